//go:build !js

// Package benchsrv runs the servers that the memory and fan-out benchmarks
// measure, each in a child process of its own, so that the load generator's
// memory and CPU are never counted as the server's.
//
// A benchmark program calls MaybeServe first thing in main (or TestMain):
// in the child, started by Start as the same executable with
// WSAPI_BENCH_SERVE set, it serves and exits; in the parent it returns at
// once. The child listens on 127.0.0.1 only, prints its URL on its first
// line of output, and exits when its standard input closes (so it never
// outlives the parent), on SIGTERM, or after an hour at most.
//
// Besides the server under test, the child serves
//
//   - GET /debug/mem: its memory, as JSON (Mem), after a full GC;
//   - /debug/pprof/: the usual pprof handlers, for a profile of a miss.
//
// # Modes
//
//   - "ours": package server, the demo's companion server, with its
//     default options (and a logger that discards; Config.RateLimit may
//     change the rate limit): /ws/echo, /ws/chat.
//   - "bare": a bare coder/websocket echo server on /ws/echo, as small as
//     such a server gets: one goroutine per connection that reads a
//     message and writes it back.
//   - "nats": nats-server, embedded, with JetStream in a temporary
//     directory, on a 127.0.0.1 port (Child.URL is its nats:// URL): the
//     bus of servers of Mode Ours whose Config.NATS names it. In a process
//     of its own, so that its CPU time is its own.
package benchsrv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/server"
)

// envConfig holds the child's Config, as JSON.
const envConfig = "WSAPI_BENCH_SERVE"

// maxLifetime bounds a child whose parent forgot it.
const maxLifetime = time.Hour

// Modes of the child.
const (
	Ours = "ours"
	Bare = "bare"
	NATS = "nats"
)

// slowSendBuffer is the send buffer, in bytes, of the connections from
// Config.SlowAddr; the kernel doubles it.
const slowSendBuffer = 16 << 10

// Config is what Start passes to the child.
type Config struct {
	Mode string // Ours, Bare or NATS
	// SlowAddr, when set, is a client IP address (such as 127.0.0.3)
	// whose connections get a slowSendBuffer send buffer. On loopback
	// the kernel grows a socket's send buffer to 4 MiB, which a chat
	// client that stops reading fills in minutes at 100 small messages a
	// second; with a small one it is full in seconds, and the server's
	// own slow-reader handling, which the fan-out benchmark wants to
	// see, starts then.
	SlowAddr string
	// RateLimit is server.Options.RateLimit of Ours: 0 keeps the
	// server's default, a negative value turns the limit off.
	RateLimit float64
	// NATS is server.Options.NATS of Ours: the URL of a child of Mode
	// NATS, whose chat room it then shares with every server given the
	// same URL. Empty: the in-process room.
	NATS string
}

// Mem is what GET /debug/mem reports.
type Mem struct {
	Heap       uint64 `json:"heap"`       // bytes of live heap objects (MemStats.HeapAlloc)
	Stacks     uint64 `json:"stacks"`     // bytes of goroutine stacks (MemStats.StackInuse)
	RSS        uint64 `json:"rss"`        // resident set size, bytes (VmRSS of /proc/self/status)
	Goroutines int    `json:"goroutines"` // runtime.NumGoroutine
	Conns      int64  `json:"conns"`      // TCP connections accepted and not yet closed
}

// MaybeServe runs the child's server and exits when this process was
// started by Start; otherwise it returns at once.
func MaybeServe() {
	env := os.Getenv(envConfig)
	if env == "" {
		return
	}
	var cfg Config
	err := json.Unmarshal([]byte(env), &cfg)
	if err == nil {
		err = serve(cfg)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "benchsrv %s: %v\n", env, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// serve needs no RaiseFileLimit: Go raises the soft limit to the hard one
// at start-up, and a parent that raised the hard limit passed it on.
func serve(cfg Config) error {
	var h http.Handler
	switch cfg.Mode {
	case NATS:
		return serveNATS()
	case Ours:
		s, cleanup, err := newOurs(cfg.RateLimit, cfg.NATS)
		if err != nil {
			return err
		}
		defer cleanup()
		h = s
	case Bare:
		h = bareHandler()
	default:
		return fmt.Errorf("unknown mode %q", cfg.Mode)
	}

	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ln := &listener{Listener: raw, slow: net.ParseIP(cfg.SlowAddr)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/mem", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(ReadMem(ln.open.Load()))
	})
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.Handle("/", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Printf("listening http://%s\n", raw.Addr())

	waitForStop()
	// Exiting cuts the connections: the run is over.
	return nil
}

// waitForStop returns when the parent closes our stdin (or dies), on a
// signal, or when the lifetime is up.
func waitForStop() {
	stop := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stop)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case <-stop:
	case <-sig:
	case <-time.After(maxLifetime):
	}
}

// newOurs is the demo's server with its defaults but for the rate limit
// and NATS. server.New wants a web directory and a wasm file; empty ones
// do, as nothing fetches them here.
func newOurs(rateLimit float64, natsURL string) (http.Handler, func(), error) {
	dir, err := os.MkdirTemp("", "wsapi-benchsrv-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	wasm := filepath.Join(dir, "main.wasm")
	if err := os.WriteFile(wasm, nil, 0o644); err != nil {
		cleanup()
		return nil, nil, err
	}
	s, err := server.New(&server.Options{
		WebDir:       dir,
		WasmPath:     wasm,
		WasmExecPath: wasm,
		RateLimit:    rateLimit,
		NATS:         natsURL,
		Logger:       slog.New(slog.DiscardHandler),
	})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return s, cleanup, nil
}

// bareHandler echoes on /ws/echo with nothing but coder/websocket, the
// way its own examples do.
func bareHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws/echo", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		for {
			typ, data, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, data); err != nil {
				return
			}
		}
	})
	return mux
}

// ReadMem is this process's memory after debug.FreeOSMemory, with conns
// as its count of connections: what /debug/mem reports, and what a client
// measures of itself.
func ReadMem(conns int64) Mem {
	// Two collections: the first moves what sync.Pools hold to their
	// victim caches, the second frees it, so that buffers pooled by
	// connections already gone are not counted before and reused after.
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Mem{
		Heap:       ms.HeapAlloc,
		Stacks:     ms.StackInuse,
		RSS:        rss(),
		Goroutines: runtime.NumGoroutine(),
		Conns:      conns,
	}
}

// rss reads VmRSS from /proc/self/status; 0 where there is none.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// listener counts the open connections, and gives those from slow a small
// send buffer.
type listener struct {
	net.Listener
	slow net.IP
	open atomic.Int64
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok && l.slow != nil {
		if a, ok := tc.RemoteAddr().(*net.TCPAddr); ok && a.IP.Equal(l.slow) {
			tc.SetWriteBuffer(slowSendBuffer)
		}
	}
	l.open.Add(1)
	return &countedConn{Conn: c, l: l}, nil
}

type countedConn struct {
	net.Conn
	l      *listener
	closed atomic.Bool
}

func (c *countedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.l.open.Add(-1)
	}
	return c.Conn.Close()
}
