//go:build !js

// Command membench measures what an idle WebSocket connection costs (item 4
// of `make bench`): the demo's server (package server, its /ws/echo
// endpoint) beside a bare coder/websocket echo server, and a wsapi client
// beside a coder/websocket client (client.go), in the same run.
//
// Each server runs in a child process (bench/internal/benchsrv) and this
// process is the client: it opens -conns connections, sends nothing, and
// asks the server for its memory (heap and stacks after a full GC, and
// RSS); then it sends one 16-byte message on each connection, reads the
// echo, and asks again. The cost of a connection is the growth over the
// server's memory before the first connection, divided by their number.
// Then it holds -conns idle clients of each kind to a bare server, and
// measures itself the same way.
// Both processes raise their limit on open files, and the connections come
// from several 127.0.0.x addresses, so that ephemeral ports never run out.
//
//	go run ./bench/cmd/membench -conns 10000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/clientmem"
	"github.com/go-wsapi/wsapi/bench/internal/prof"
	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// maxRatio is the target: our server at most 1.1× the bare one's memory
// per idle connection.
const maxRatio = 1.1

func main() {
	benchsrv.MaybeServe()
	conns := flag.Int("conns", 10000, "idle connections to hold")
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	profDir := flag.String("profiles", "", "keep the servers' heap and goroutine profiles in this `dir`")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this `duration`")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	s, err := run(ctx, *conns, *profDir)
	report.Finish("membench", s, err, *jsonOut)
}

// result is one server's memory at the moments.
type result struct {
	mode                  string
	mem                   [3]benchsrv.Mem // at the moments
	heapTop, goroutineTop string          // pprof -top of the profiles taken last
}

var moments = [3]string{"before", "connected", "after 1 message"}

func run(ctx context.Context, n int, profDir string) (*report.Section, error) {
	// n connections at a time, of the server side's clients or of the
	// client side's.
	if err := benchsrv.RaiseFileLimit(uint64(n) + 1024); err != nil {
		return nil, err
	}
	keep := profDir != ""
	profDir, cleanup, err := prof.Dir(profDir)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	// Each server's clients come from addresses of their own, so the
	// second never meets the first's ports in TIME_WAIT.
	addrs := benchsrv.AddrsFor(n)
	ours, err := measure(ctx, benchsrv.Ours, n, benchsrv.NewDialer(10, addrs, 0), profDir)
	if err != nil {
		return nil, err
	}
	bare, err := measure(ctx, benchsrv.Bare, n, benchsrv.NewDialer(10+addrs, addrs, 0), profDir)
	if err != nil {
		return nil, err
	}
	s := section(n, ours, bare, keep, profDir)
	ourClient, coderClient, err := clientMem(ctx, n, 10+2*addrs, profDir)
	if err != nil {
		return nil, err
	}
	rows, detail := clientRows(n, ourClient, coderClient)
	s.Rows = append(s.Rows, rows...)
	s.Detail += "\n" + detail
	return s, nil
}

// measure starts a server of mode, holds n connections to it, and reads
// its memory at each step.
func measure(ctx context.Context, mode string, n int, d *benchsrv.Dialer, profDir string) (*result, error) {
	child, err := benchsrv.Start(ctx, benchsrv.Config{Mode: mode})
	if err != nil {
		return nil, err
	}
	defer child.Stop()
	r := &result{mode: mode}
	if r.mem[0], err = settle(ctx, child, 0); err != nil {
		return nil, err
	}

	clients := make([]*client, n)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.conn.CloseNow()
			}
		}
	}()
	url := child.WSURL("/ws/echo")
	err = clientmem.Parallel(ctx, n, func(i int) error {
		c, err := d.Dial(ctx, url)
		if err != nil {
			return err
		}
		clients[i] = newClient(c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mode, err)
	}
	if r.mem[1], err = settle(ctx, child, n); err != nil {
		return nil, err
	}

	msg := []byte("0123456789abcdef")
	err = clientmem.Parallel(ctx, n, func(i int) error {
		return clients[i].echo(ctx, msg)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", mode, err)
	}
	if r.mem[2], err = settle(ctx, child, n); err != nil {
		return nil, err
	}

	// The profiles, while the connections are still there.
	b, err := child.Get(ctx, "/debug/pprof/heap?gc=1")
	if err != nil {
		return nil, err
	}
	file := filepath.Join(profDir, mode+"-heap.pb.gz")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return nil, err
	}
	r.heapTop = prof.Top(file, 12, "-sample_index=inuse_space")
	if b, err = child.Get(ctx, "/debug/pprof/goroutine"); err != nil {
		return nil, err
	}
	file = filepath.Join(profDir, mode+"-goroutine.pb.gz")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		return nil, err
	}
	// Each goroutine counted in the innermost function that tells what it
	// waits for, past those that many wait in whatever they do.
	r.goroutineTop = prof.Top(file, 6, `-hide=^(runtime|syscall|net|bufio|io)\.|^internal/`)
	return r, nil
}

// settle waits until the server holds n connections (besides the one
// that asks) and its goroutines stop changing, and returns its memory.
func settle(ctx context.Context, child *benchsrv.Child, n int) (benchsrv.Mem, error) {
	var last benchsrv.Mem
	deadline := time.Now().Add(time.Minute)
	for stable := 0; ; {
		m, err := child.Mem(ctx)
		if err != nil {
			return m, err
		}
		if m.Conns >= int64(n) && m.Goroutines == last.Goroutines {
			stable++
		} else {
			stable = 0
		}
		if stable == 2 {
			return m, nil
		}
		if time.Now().After(deadline) {
			return m, fmt.Errorf("the server did not settle in a minute: %d connections of %d, %d goroutines", m.Conns, n, m.Goroutines)
		}
		last = m
		select {
		case <-ctx.Done():
			return m, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// client is one connection, with a goroutine that reads (and so answers
// the server's pings).
type client struct {
	conn *websocket.Conn
	got  chan []byte
}

func newClient(c *websocket.Conn) *client {
	cl := &client{conn: c, got: make(chan []byte, 1)}
	go func() {
		for {
			_, b, err := c.Read(context.Background())
			if err != nil {
				close(cl.got)
				return
			}
			cl.got <- b
		}
	}()
	return cl
}

func (c *client) echo(ctx context.Context, msg []byte) error {
	if err := c.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return err
	}
	select {
	case b, ok := <-c.got:
		if !ok {
			return errors.New("closed before the echo")
		}
		if string(b) != string(msg) {
			return fmt.Errorf("echo %q, want %q", b, msg)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// perConn is the growth from before to after, in KiB per connection.
func perConn(before, after uint64, n int) float64 {
	return (float64(after) - float64(before)) / float64(n) / 1024
}

func section(n int, ours, bare *result, keep bool, profDir string) *report.Section {
	s := &report.Section{Item: 4, Title: fmt.Sprintf("Memory per idle connection, %d connections, the server's and the client's", n)}
	heap := func(m benchsrv.Mem) uint64 { return m.Heap + m.Stacks }
	rss := func(m benchsrv.Mem) uint64 { return m.RSS }
	var missed bool
	for _, f := range []struct {
		name  string
		value func(benchsrv.Mem) uint64
		at    int // the moment
	}{
		{"heap+stacks, after connect", heap, 1},
		{"heap+stacks, after 1 message", heap, 2},
		{"RSS, after connect", rss, 1},
		{"RSS, after 1 message", rss, 2},
	} {
		o := perConn(f.value(ours.mem[0]), f.value(ours.mem[f.at]), n)
		b := perConn(f.value(bare.mem[0]), f.value(bare.mem[f.at]), n)
		ratio := o / b
		ok := ratio <= maxRatio
		missed = missed || !ok
		s.Rows = append(s.Rows, report.Row{
			Name:   "server: KiB per idle conn, " + f.name,
			Ours:   fmt.Sprintf("%.1f KiB", o),
			Base:   fmt.Sprintf("%.1f KiB", b),
			Ratio:  report.Ratio(ratio),
			Target: fmt.Sprintf("≤ %.2f×", maxRatio),
			Pass:   report.Check(ok),
			Values: map[string]float64{"ours_kib": o, "bare_kib": b, "ratio": ratio},
		})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "Each server ran in a child process; this process held %d connections to its /ws/echo.\n", n)
	fmt.Fprintf(&d, "\"wsapi\" is the demo's server (package server, default options), \"baseline\" a bare coder/websocket echo server\n")
	fmt.Fprintf(&d, "(one goroutine per connection, Read then Write). Memory is read after debug.FreeOSMemory.\n\n")
	fmt.Fprintf(&d, "| server | moment | heap | stacks | RSS | goroutines |\n|---|---|--:|--:|--:|--:|\n")
	for _, r := range []*result{ours, bare} {
		for i, m := range r.mem {
			fmt.Fprintf(&d, "| %s | %s | %.1f MiB | %.1f MiB | %.1f MiB | %d |\n", r.mode, moments[i],
				mib(m.Heap), mib(m.Stacks), mib(m.RSS), m.Goroutines)
		}
	}
	if missed {
		fmt.Fprintf(&d, "\nA target was missed. The profiles of both servers, taken after the message, with the connections open")
		if keep {
			fmt.Fprintf(&d, " (kept in %s)", profDir)
		}
		fmt.Fprintf(&d, ":\n")
		for _, r := range []*result{ours, bare} {
			fmt.Fprintf(&d, "\n%s, heap (inuse_space):\n\n```\n%s\n```\n", r.mode, r.heapTop)
			fmt.Fprintf(&d, "\n%s, goroutines:\n\n```\n%s\n```\n", r.mode, r.goroutineTop)
		}
	}
	s.Detail = d.String()
	return s
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
