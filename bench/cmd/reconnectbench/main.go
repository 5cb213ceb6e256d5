//go:build !js

// Command reconnectbench measures package reconnect (item 6 of `make
// bench`):
//
//   - how long after a server comes back a reconnecting socket is OPEN
//     again, beside the part of it that is the backoff's own wait: the
//     rest is what reconnecting costs (the attempt, the handshake, the
//     dispatch of open);
//   - the memory one idle reconnecting socket costs this process, beside
//     one idle wsapi.WebSocket, the socket it wraps;
//   - a recovery's replay: the says a chat member missed, sent when it
//     comes back with since/epoch, beside the same says delivered live
//     (replay.go).
//
// The reopen trials use a server in this process, killed (listener and
// connections closed, no close frame) and started again on the same port
// while the socket retries; the memory is measured against a bare echo
// server in a child process (bench/internal/benchsrv), so that only the
// clients' memory is counted here.
//
//	go run ./bench/cmd/reconnectbench -trials 20 -sockets 1000
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/clientmem"
	"github.com/go-wsapi/wsapi/bench/internal/report"
	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

func main() {
	benchsrv.MaybeServe()
	trials := flag.Int("trials", 20, "times the server goes away and comes back")
	sockets := flag.Int("sockets", 1000, "idle sockets held for the memory measure")
	missed := flag.Int("replay", 500, "chat says missed, then replayed on the return")
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this `duration`")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	s, err := run(ctx, *trials, *sockets, *missed)
	report.Finish("reconnectbench", s, err, *jsonOut)
}

// The schedule of the reopen trials: short, so that trials are quick, and
// with the default jitter and growth.
const (
	minDelay = 20 * time.Millisecond
	maxDelay = 200 * time.Millisecond
)

func run(ctx context.Context, trials, sockets, missed int) (*report.Section, error) {
	back, wait, err := reopen(ctx, trials)
	if err != nil {
		return nil, fmt.Errorf("reopen: %w", err)
	}
	ours, base, err := memory(ctx, sockets)
	if err != nil {
		return nil, fmt.Errorf("memory: %w", err)
	}
	replayed, live, err := replay(ctx, missed)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	mb, mw := median(back), median(wait)
	s := &report.Section{
		Item:  6,
		Title: "reconnect: back to OPEN, and memory per idle socket",
		Rows: []report.Row{
			{
				Name:   "server back → OPEN, median of " + fmt.Sprint(trials),
				Ours:   ms(mb),
				Base:   ms(mw) + " backoff wait",
				Ratio:  "+" + ms(median(sub(back, wait))),
				Values: map[string]float64{"back_ms": msf(mb), "wait_ms": msf(mw)},
			},
			{
				Name:   fmt.Sprintf("memory per idle socket (%d sockets)", sockets),
				Ours:   kb(ours) + " reconnect.Socket",
				Base:   kb(base) + " wsapi.WebSocket",
				Ratio:  report.Ratio(ours / base),
				Values: map[string]float64{"reconnect_bytes": ours, "wsapi_bytes": base},
			},
			{
				Name:   fmt.Sprintf("recovery: %d missed chat says replayed", missed),
				Ours:   rate(missed, replayed) + " (" + ms(replayed) + ", dial included)",
				Base:   rate(missed, live) + " live, 16 in flight (info)",
				Ratio:  report.Ratio(live.Seconds() / replayed.Seconds()),
				Values: map[string]float64{"replay_ms": msf(replayed), "live_ms": msf(live), "says": float64(missed)},
			},
		},
		Detail: fmt.Sprintf("Reopen: a server in the process is killed (no close frame) while a "+
			"reconnect.Socket (MinDelay %v, MaxDelay %v, full jitter) is open, and started again on the "+
			"same port once the socket has failed an attempt; \"back → OPEN\" runs from the new listener "+
			"to the socket's open event, and the backoff wait is the part of it until the retry that was "+
			"pending was due. Memory: heap and goroutine stacks of this process after a GC, with %d idle "+
			"sockets open to a bare echo server in a child process, less the same before, per socket. "+
			"Recovery: a chat member of the companion server (a child process, rate limit off) leaves after "+
			"%d says it received live, %d more are said, and it returns with since and epoch; the replay "+
			"runs from its dial to the last replayed say. Beside it, for information, not as a baseline: the "+
			"live delivery of as many says, from the first say's write to its delivery of the last, the writer "+
			"keeping 16 in flight (a writer that never waits fills the members' queues of 64 and is closed "+
			"as too slow), so bounded by the writer's round trips.",
			minDelay, maxDelay, sockets, missed, missed),
	}
	return s, nil
}

// reopen runs the trials and returns, for each, the time from the
// server's return to OPEN and the backoff wait that was left then.
func reopen(ctx context.Context, trials int) (back, wait []time.Duration, err error) {
	srv, err := listen("127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer func() { srv.kill() }()
	opened := make(chan time.Time, 1)
	retried := make(chan reconnect.Retry, 16)
	s, err := reconnect.New("ws://"+srv.addr+"/", &reconnect.Options{MinDelay: minDelay, MaxDelay: maxDelay})
	if err != nil {
		return nil, nil, err
	}
	defer func() { s.Close(); <-s.Done() }()
	s.OnRetry(func(r reconnect.Retry) {
		select {
		case retried <- r:
		default:
		}
	})
	s.OnOpen(func() { opened <- time.Now() })
	for i := 0; i <= trials; i++ {
		select {
		case <-opened:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		if i == trials {
			break
		}
		srv.kill()
		// Two retries: the drop's, and one refused by the dead port.
		for range 2 {
			select {
			case <-retried:
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
		}
		if srv, err = listen(srv.addr); err != nil {
			return nil, nil, err
		}
		t0 := time.Now()
		w := time.Duration(0)
		if r, ok := s.NextRetry(); ok {
			w = max(r.At.Sub(t0), 0)
		}
		select {
		case t1 := <-opened:
			back = append(back, t1.Sub(t0))
			wait = append(wait, w)
			opened <- t1 // for the next trial's first wait
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
		for len(retried) > 0 {
			<-retried
		}
	}
	return back, wait, nil
}

// server is a WebSocket server that reads until the client goes, and can
// be killed as a crash would.
type server struct {
	addr   string
	ln     net.Listener
	hs     *http.Server
	mu     sync.Mutex
	conns  []*websocket.Conn
	killed bool // a connection accepted after kill is cut at once
	wg     sync.WaitGroup
}

func listen(addr string) (*server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &server{addr: ln.Addr().String(), ln: ln}
	s.hs = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		// The client may be OPEN before this handler has the conn: a
		// kill in between must still cut it, or the client never sees
		// its server go and the trial waits for ever.
		s.mu.Lock()
		if s.killed {
			s.mu.Unlock()
			c.CloseNow()
			return
		}
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	})}
	s.wg.Go(func() { s.hs.Serve(ln) })
	return s, nil
}

func (s *server) kill() {
	s.hs.Close()
	s.mu.Lock()
	s.killed = true
	for _, c := range s.conns {
		c.CloseNow()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// memory returns the bytes per idle socket of n reconnect.Sockets and of
// n wsapi.WebSockets, to a bare echo server in a child process.
func memory(ctx context.Context, n int) (ours, base float64, err error) {
	if err := benchsrv.RaiseFileLimit(uint64(2*n) + 1024); err != nil {
		return 0, 0, err
	}
	child, err := benchsrv.Start(ctx, benchsrv.Config{Mode: benchsrv.Bare})
	if err != nil {
		return 0, 0, err
	}
	defer child.Stop()
	url := child.WSURL("/ws/echo")
	plain := func() (func(), error) {
		ws, err := wsapi.New(url)
		if err != nil {
			return nil, err
		}
		return func() { ws.Close(); <-ws.Done() }, ws.WaitOpen(ctx)
	}
	wrapped := func() (func(), error) {
		s, err := reconnect.New(url, nil)
		if err != nil {
			return nil, err
		}
		return func() { s.Close(); <-s.Done() }, s.WaitOpen(ctx)
	}
	// Each kind is measured on its second round of n: the first warms
	// what the process keeps once it was needed (the HTTP client's
	// pools, the runtime's caches of goroutine stacks), so that neither
	// kind is measured with the other's leftovers or without its own.
	for _, k := range []struct {
		open func() (func(), error)
		into *float64
	}{{plain, &base}, {wrapped, &ours}} {
		for range 2 {
			g, err := clientmem.Hold(ctx, n, "", k.open)
			if err != nil {
				return 0, 0, err
			}
			*k.into = g.Bytes()
		}
	}
	return ours, base, nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func sub(a, b []time.Duration) []time.Duration {
	out := make([]time.Duration, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", msf(d)) }

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func rate(n int, d time.Duration) string {
	return fmt.Sprintf("%.0f says/s", float64(n)/d.Seconds())
}

func kb(b float64) string { return fmt.Sprintf("%.1f kB", b/1000) }
