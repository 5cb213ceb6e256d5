//go:build !js

// Package server is the companion server of the go-wsapi demo: it serves
// the demo page and the Go program compiled to WebAssembly, and the three
// WebSocket endpoints the page talks to through package wsapi.
//
// It is also meant as an example of a WebSocket server that holds up in
// production: cross-origin upgrades are refused, and so are a browser's
// upgrades to a Host name it is not known by (DNS rebinding), messages have a size
// limit and a rate limit, a slow reader is dropped instead of slowing the
// others, dead peers are found by pings, and Shutdown says goodbye (close
// 1001) to everyone.
//
// # Endpoints
//
//   - GET /: the page, index.html of Options.WebDir, and the directory's
//     other files.
//   - GET /main.wasm: Options.WasmPath as application/wasm, gzipped when
//     the browser accepts it, with an ETag and Cache-Control: no-cache.
//   - GET /wasm_exec.js: Options.WasmExecPath, likewise.
//   - GET /healthz: 200 "ok".
//   - /ws/echo: echoes every message, text as text, binary as binary.
//   - /ws/chat?nick=N&since=S&epoch=E: a chat room (see below).
//   - /ws/ticks?since=S&epoch=E: a simulated quote every
//     Options.TickInterval.
//
// # Chat and ticks protocol
//
// Messages are JSON in text frames. On every endpoint a text message that
// is not UTF-8 closes with 1007 "invalid UTF-8", and a client that sends
// more than Options.RateLimit allows with 1008 "rate limit exceeded".
// Every room event (join, say, leave)
// gets the next number of the room's seq, so a client that sees a gap
// knows it missed something. time is RFC 3339 in UTC with milliseconds.
// Joins and leaves wait up to 100ms to be announced together: those
// that wait go out as one leave event, then one join event (of at most
// 1000 nicks each). An event for several members names them all in
// "nicks", and the first in "nick" too; one for a single member has no
// "nicks". The joiner gets its own join too, after its welcome. A
// member's join is announced before its first say, and its leave after
// its join.
//
//	client: {"type":"say","text":"hello"}  text of 1 to 1000 characters,
//	        anything else closes with 1008 "bad message"
//	server: {"type":"welcome","nick":"alice","seq":6,"epoch":"9f..","time":"..."}
//	        to the joiner only, first; seq is the last one of the room
//	        before the join, epoch names the numbering (see Recovery)
//	        {"type":"join","nick":"alice","seq":7,"time":"..."}
//	        {"type":"say","nick":"alice","text":"hello","seq":8,"time":"..."}
//	        {"type":"leave","nick":"alice","seq":9,"time":"..."}
//	        {"type":"join","nick":"bob","nicks":["bob","carol"],"seq":10,"time":"..."}
//	ticks:  {"type":"welcome","epoch":"9f..","seq":41,"time":"..."}
//	        {"type":"quote","seq":41,"time":"...","symbol":"GOPHER","price":101.25}
//
// A nick is 1 to 24 ASCII letters, digits, '-' and '_'; another one is
// refused with 400, a missing one is "guest-<n>", and one already in the
// room gets a suffix ("alice-2"), as does one whose leave is yet to be
// announced. The welcome carries the nick given. The
// sender of a say gets it back too: that copy is its acknowledgement. A
// say the room cannot take now (a cluster whose NATS is away,
// Options.PublishQueue) is refused, to its sender alone:
// {"type":"refused","text":"hello","reason":"busy","time":"..."}. A
// member dropped for being slow gets a leave like any other; one that
// leaves before its join was announced gets neither; on Shutdown,
// when all go at once, no leave (or pending join) is sent.
//
// On /ws/ticks the welcome comes first, then at once the latest quote. The
// quotes are one stream for every client, ticking while someone listens,
// and seq counts them stream-wide; a client too slow for the rate is sent
// what it missed from the history, and skips (a gap in seq) what the
// history no longer holds. The price walks at random, always with two
// decimals (101.20), and stays above zero. What the client sends is read
// and dropped.
//
// # Recovery
//
// A client that comes back names the last seq it saw and the epoch of
// the welcome it saw it after: ?since=S&epoch=E. Its welcome then says
// "recovered":true and the events after S follow, in order, with their
// own seq, each once, before any live one; or "recovered":false, and
// nothing is replayed, when the epoch differs (this is another process,
// whose numbering restarted), or the history (Options.HistorySize events
// and HistoryAge) no longer holds them all. docs/recovery.md has the
// whole protocol.
//
// # Connections
//
// An idle connection costs one goroutine, its handler, which reads (and
// on /ws/echo writes the echo, so that a client that does not read stops
// being read). A writer goroutine runs only while the connection's queue
// of at most Options.SendQueue messages holds something, and pings come
// from a timer. The chat room publishes by appending to each queue, which
// never waits; a client whose queue is full is closed with 1008 "too
// slow" and leaves the room. A writer that finds several messages queued
// sends them with one write system call. No lock is held while writing
// to a socket.
//
// # Cluster
//
// With Options.NATS, several servers share the chat room and the ticks
// through NATS JetStream, each serving its own clients: the room's seq,
// history, nicks and presence are the cluster's, so a client resumes on
// any server. server/docs/cluster.md has the design.
//
// The package is native only: it does not build for js/wasm, where
// coder/websocket has no server side.
package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go"
)

// Server is the demo's http.Handler. Make one with New.
type Server struct {
	opts     *Options
	mux      *http.ServeMux
	room     *room
	nats     *nats.Conn // with Options.NATS
	ticks    *tickStream
	wasm     *asset
	wasmExec *asset

	mu       sync.Mutex
	shutting bool
	clients  map[*client]struct{}
	handlers sync.WaitGroup // WebSocket handlers, counted from before Accept
}

// New reads the page's program and wasm_exec.js, which must exist, and
// returns a Server that is ready to serve.
func New(opts *Options) (*Server, error) {
	o, err := opts.cloneWithDefaults()
	if err != nil {
		return nil, fmt.Errorf("failed to create server: %w", err)
	}
	if err := checkDir(o.WebDir); err != nil {
		return nil, fmt.Errorf("failed to find the web directory: %w", err)
	}
	s := &Server{
		opts:    o,
		mux:     http.NewServeMux(),
		clients: make(map[*client]struct{}),
	}
	// One epoch per process: a restarted server numbers from 1 again.
	epoch := newEpoch()
	s.room = newRoom(epoch, history{size: o.HistorySize, age: o.HistoryAge})
	s.ticks = newTickStream(o.TickInterval, epoch, history{size: o.HistorySize, age: o.HistoryAge})
	s.wasm, err = loadAsset(o.WasmPath, "application/wasm")
	if err != nil {
		return nil, fmt.Errorf("failed to load the wasm program (build it first): %w", err)
	}
	s.wasmExec, err = loadAsset(o.WasmExecPath, "text/javascript; charset=utf-8")
	if err != nil {
		return nil, fmt.Errorf("failed to load wasm_exec.js: %w", err)
	}

	s.mux.Handle("GET /", staticHandler(o.WebDir))
	s.mux.Handle("GET /main.wasm", s.wasm)
	s.mux.Handle("GET /wasm_exec.js", s.wasmExec)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok")
	})
	s.mux.HandleFunc("GET /ws/echo", func(w http.ResponseWriter, r *http.Request) {
		s.serveWS(w, r, echoEndpoint, "")
	})
	s.mux.HandleFunc("GET /ws/chat", s.serveChat)
	s.mux.HandleFunc("GET /ws/ticks", func(w http.ResponseWriter, r *http.Request) {
		s.serveWS(w, r, ticksEndpoint, "")
	})
	// Last, as nothing after it fails: a bus runs goroutines.
	if o.NATS != "" {
		if err := s.joinCluster(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// joinCluster puts the chat room on NATS JetStream (Options.NATS).
func (s *Server) joinCluster() error {
	nc, err := connectNATS(s.opts.NATS, s.opts.NATSOptions)
	if err != nil {
		return err
	}
	b, err := newNATSBus(nc, s.room, s.opts)
	if err != nil {
		nc.Close()
		return err
	}
	if _, err := newTickCluster(b.js, s.ticks, b.node, s.opts); err != nil {
		b.close()
		nc.Close()
		return err
	}
	s.nats = nc
	return nil
}

// ServeHTTP routes the request to the page's files or an endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// Shutdown closes every WebSocket connection with 1001 "server shutting
// down", refuses new ones with 503, and waits for their handlers to
// return. The chat room stops at once, and each client is first sent
// what was queued for it, so that a say its sender saw acknowledged
// reaches every member. The close handshakes run at once, each with its
// client. If ctx
// ends first, Shutdown cuts the connections that are left (their handlers
// then return promptly) and returns an error wrapping ctx.Err().
//
// Shutdown does not stop the http.Server, which knows nothing of hijacked
// connections: call its Shutdown too, for the listener and plain requests.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutting = true
	clients := make([]*client, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()

	// Leaves are not announced: everyone is going.
	s.room.shutdown()
	s.room.bus.close()
	for _, c := range clients {
		c.goAway(websocket.StatusGoingAway, "server shutting down")
	}

	done := make(chan struct{})
	go func() {
		s.handlers.Wait()
		close(done)
	}()
	defer func() {
		s.ticks.shutdown()
		if s.nats != nil {
			s.nats.Close() // after the buses, which give back their nicks and lease
		}
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for c := range s.clients {
		c.netConn.Close()
	}
	s.mu.Unlock()
	return fmt.Errorf("failed to close all connections in time: %w", ctx.Err())
}

// enter counts a WebSocket handler, unless the server is shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutting {
		return false
	}
	s.handlers.Add(1)
	return true
}

// register makes c known to Shutdown, and reports whether Shutdown has
// yet to begin. A client that comes too late is registered all the same,
// so that Shutdown can cut it if its close takes too long.
func (s *Server) register(c *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c] = struct{}{}
	return !s.shutting
}

func (s *Server) unregister(c *client) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
}

// endpoint is what differs between the WebSocket endpoints.
type endpoint struct {
	path string
	// open runs before the connection is logged as open (the chat joins
	// there, which settles the nick). Optional.
	open func(s *Server, c *client)
	// read is the handler's read loop; it returns what ended it.
	read func(s *Server, c *client) error
	// closed runs when read has returned (the chat leaves). Optional.
	closed func(s *Server, c *client)
	// ticks makes the writer send a quote every TickInterval.
	ticks bool
	// resumable takes since and epoch from the query (see parseResume).
	resumable bool
}

// serveWS upgrades the request and runs the connection until it closes.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request, ep *endpoint, nick string) {
	if !s.enter() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	live := false // the connection's goroutine owns the handlers count
	defer func() {
		if !live {
			s.handlers.Done()
		}
	}()
	var res resume
	if ep.resumable {
		var err error
		if res, err = parseResume(r.URL.Query()); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}

	if r.Header.Get("Origin") != "" && !hostAllowed(r, s.opts.AllowedHosts) {
		s.opts.Logger.Info("ws refused", "endpoint", ep.path, "remote", r.RemoteAddr,
			"origin", r.Header.Get("Origin"), "host", r.Host, "error", "host not allowed")
		http.Error(w, "host "+quoteCut(r.Host)+" not allowed", http.StatusForbidden)
		return
	}
	hw := &hijackRecorder{ResponseWriter: w}
	conn, err := websocket.Accept(hw, r, &websocket.AcceptOptions{
		OriginPatterns: s.opts.AllowedOrigins,
	})
	if err != nil {
		s.opts.Logger.Info("ws refused", "endpoint", ep.path, "remote", r.RemoteAddr,
			"origin", r.Header.Get("Origin"), "error", err)
		return
	}
	conn.SetReadLimit(s.opts.ReadLimit)
	c := newClient(s, ep, conn, hw.conn, r.RemoteAddr, nick)
	c.resume = res
	c.cork = hw.cork
	ok := s.register(c)
	// The connection lives on a goroutine of its own and the handler
	// returns: net/http lets go of what it holds for the connection, and
	// the connection's long idle life is spent on a fresh stack, not on
	// the handler's, which the handshake grew (an idle connection cost
	// 1.39× a bare coder/websocket server's memory with the handler kept;
	// TestHandlerReturnsAfterUpgrade, BENCHMARKS.md).
	live = true
	go s.live(ep, c, ok)
}

// live runs an accepted connection to its end, on its own goroutine.
func (s *Server) live(ep *endpoint, c *client, ok bool) {
	defer s.handlers.Done()
	defer s.unregister(c)
	if ok && ep.open != nil {
		ep.open(s, c)
	}
	attrs := []any{"endpoint", ep.path, "remote", c.remote}
	if ep == chatEndpoint {
		attrs = append(attrs, "nick", c.nick)
	}
	s.opts.Logger.Info("ws open", attrs...)

	var err error
	if ok {
		c.run()
		err = ep.read(s, c)
		if ep.closed != nil {
			ep.closed(s, c)
		}
	} else {
		err = errShutdown // accepted as Shutdown began
	}
	cl := c.finish(err)
	s.opts.Logger.Info("ws close", append(attrs,
		"code", int(cl.code), "reason", cl.reason, "by", cl.by,
		"duration", c.since())...)
}

// errShutdown ends a connection accepted as Shutdown began.
var errShutdown = errors.New("server shutting down")

// hijackRecorder keeps the net.Conn that websocket.Accept hijacks: closing
// it is the one way to cut a connection whose close handshake is under
// way, which Shutdown needs when its deadline passes. It also puts a
// corkWriter under the connection's buffered writer, the one
// coder/websocket writes every frame through.
type hijackRecorder struct {
	http.ResponseWriter
	conn net.Conn
	cork *corkWriter
}

func (h *hijackRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return conn, brw, err
	}
	// net/http has flushed the writer, and points it at conn.
	h.conn = conn
	h.cork = &corkWriter{conn: conn}
	brw.Writer.Reset(h.cork)
	return conn, brw, nil
}

func (h *hijackRecorder) Unwrap() http.ResponseWriter {
	return h.ResponseWriter
}
