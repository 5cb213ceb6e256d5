//go:build !js

package wsapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// What a stress handler does with message i.
const (
	doNothing = iota
	doSleep   // sleeps 0-3 ms: straddles the hand-off timer's ticks
	doSpin    // keeps the CPU 0.5-2 ms
	doPanic
	doGoexit
	doBlock // waits for the server's ping to be answered: needs reading
)

func stressKind(seed uint64, i int) (kind int, d time.Duration) {
	r := rand.New(rand.NewPCG(seed, uint64(i)))
	d = time.Duration(r.IntN(3000)) * time.Microsecond
	switch p := r.IntN(200); {
	case p < 3:
		return doPanic, d
	case p < 6:
		return doGoexit, d
	case p < 12:
		return doBlock, d // pings are slow
	case p < 80:
		return doSleep, d
	case p < 120:
		return doSpin, d
	}
	return doNothing, d
}

// TestInlineStress delivers a stream of messages whose handlers return at
// once, sleep, spin across the hand-off timer's ticks, panic, end their
// goroutine or block on a ping, and checks the browser's rules: every
// message once and in order, one handler at a time, close once and last,
// nothing after Close, and no goroutine of the socket's left after it. The
// server mostly waits for the echo of one message before it sends the next,
// so that handlers run on the reader and hand reading over (some 200 times
// a run); the client's echoes check the order of what it sends from
// handlers, inline or through the writer, and of its close frame.
func TestInlineStress(t *testing.T) {
	for _, end := range []string{"server-close", "server-cut", "close-in-handler", "close-elsewhere", "client-pings"} {
		t.Run(end, func(t *testing.T) {
			for round := range 2 {
				inlineStressRound(t, end, uint64(round)*7919+uint64(len(end)))
			}
		})
	}
}

func inlineStressRound(t *testing.T, end string, seed uint64) {
	const n = 200
	pinged := make(chan error, n)
	var echoMu sync.Mutex
	var echoes []string // what the server received, in order
	serverDone := make(chan struct{})
	echoed := make(chan struct{}, 1)
	url := inlineServer(t, func(ctx context.Context, c *websocket.Conn) {
		defer close(serverDone)
		var pings sync.WaitGroup
		defer pings.Wait()
		readDone := make(chan struct{})
		go func() {
			defer close(readDone)
			for {
				_, b, err := c.Read(ctx)
				if err != nil {
					return
				}
				echoMu.Lock()
				echoes = append(echoes, string(b))
				echoMu.Unlock()
				select {
				case echoed <- struct{}{}:
				default:
				}
			}
		}()
		for i := range n {
			if c.Write(ctx, websocket.MessageText, []byte(strconv.Itoa(i))) != nil {
				return
			}
			if k, _ := stressKind(seed, i); k == doBlock {
				pings.Go(func() { pinged <- c.Ping(ctx) })
			}
			// Mostly one in flight: the next message comes while
			// the handler of this one runs, on the reader.
			for i%8 != 0 {
				echoMu.Lock()
				k := len(echoes)
				echoMu.Unlock()
				if k > i {
					break
				}
				select {
				case <-echoed:
				case <-ctx.Done():
					return
				case <-readDone:
					return
				}
			}
		}
		if end != "close-in-handler" && end != "close-elsewhere" {
			pings.Wait() // the client answers them all before the end
		}
		switch end {
		case "server-close", "client-pings":
			c.Close(websocket.StatusNormalClosure, "bye")
		case "server-cut":
			c.CloseNow()
		default:
			<-readDone // the client closes
		}
	})
	closeAt := -1
	if end == "close-in-handler" {
		closeAt = int(seed % n)
	}
	var (
		mu       sync.Mutex
		got      []int
		inside   atomic.Int32
		overlap  atomic.Bool
		closes   atomic.Int32
		afterCls atomic.Bool
		closed   atomic.Bool // Close returned
		errs     []string
		ws       *WebSocket
	)
	closeEv := make(chan CloseEvent, 2)
	done := make(chan struct{})
	h := Handlers{
		Message: func(m MessageEvent) {
			if inside.Add(1) != 1 {
				overlap.Store(true)
			}
			defer inside.Add(-1)
			if closed.Load() || closes.Load() > 0 {
				afterCls.Store(true)
			}
			i, _ := strconv.Atoi(m.Text())
			mu.Lock()
			got = append(got, i)
			mu.Unlock()
			ws.SendText("e" + m.Text())
			if i == closeAt {
				ws.Close()
				closed.Store(true)
			}
			kind, d := stressKind(seed, i)
			switch kind {
			case doSleep:
				time.Sleep(d)
			case doSpin:
				for start := time.Now(); time.Since(start) < d/2+500*time.Microsecond; {
				}
			case doPanic:
				panic("stress " + m.Text())
			case doGoexit:
				runtime.Goexit()
			case doBlock:
				select {
				case err := <-pinged:
					if err != nil && end != "close-in-handler" && end != "close-elsewhere" {
						mu.Lock()
						errs = append(errs, fmt.Sprintf("ping after %d: %v", i, err))
						mu.Unlock()
					}
				case <-time.After(5 * time.Second):
					mu.Lock()
					errs = append(errs, fmt.Sprintf("message %d: the server's ping got no pong", i))
					mu.Unlock()
				}
			}
		},
		Error: func(error) {},
		Close: func(ce CloseEvent) {
			if inside.Load() != 0 {
				overlap.Store(true)
			}
			closes.Add(1)
			closeEv <- ce
		},
	}
	var err error
	var opts *Options
	if end == "client-pings" {
		// A pong the reader does not read within the timeout cuts the
		// connection: the close would not be a clean 1000.
		opts = &Options{PingInterval: time.Millisecond, PingTimeout: 3 * time.Second}
	}
	ws, err = NewWithOptions(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	ws.SetHandlers(h)
	if end == "close-elsewhere" {
		go func() {
			defer close(done)
			time.Sleep(time.Duration(seed%20) * time.Millisecond)
			ws.Close()
			closed.Store(true)
		}()
	} else {
		close(done)
	}
	select {
	case <-ws.Done():
	case <-time.After(20 * time.Second):
		t.Fatalf("seed %d: no close", seed)
	}
	<-done
	ce := <-closeEv
	mu.Lock()
	defer mu.Unlock()
	for _, e := range errs {
		t.Errorf("seed %d: %s", seed, e)
	}
	if overlap.Load() {
		t.Errorf("seed %d: two handlers ran at once", seed)
	}
	if closes.Load() != 1 {
		t.Errorf("seed %d: %d close events", seed, closes.Load())
	}
	for k, i := range got {
		if i != k {
			t.Fatalf("seed %d: message %d is %d: %v", seed, k, i, got)
		}
	}
	switch end {
	case "server-close", "server-cut", "client-pings":
		if len(got) != n {
			t.Errorf("seed %d: %d messages, want %d", seed, len(got), n)
		}
		if end != "server-cut" && (ce.Code != 1000 || !ce.WasClean) {
			t.Errorf("seed %d: close %+v, want a clean 1000", seed, ce)
		}
	case "close-in-handler":
		if len(got) != closeAt+1 {
			t.Errorf("seed %d: %d messages, want %d (Close in the handler of %d)", seed, len(got), closeAt+1, closeAt)
		}
	}
	if end != "close-elsewhere" && afterCls.Load() {
		t.Errorf("seed %d: a message handler ran after Close", seed)
	}
	if end != "server-cut" {
		select {
		case <-serverDone:
		case <-time.After(10 * time.Second):
			t.Fatalf("seed %d: the server did not end", seed)
		}
		echoMu.Lock()
		for k, e := range echoes {
			if e != "e"+strconv.Itoa(k) {
				t.Errorf("seed %d: the server's message %d is %q: %v", seed, k, e, echoes)
				break
			}
		}
		if end == "close-in-handler" && len(echoes) != closeAt+1 {
			t.Errorf("seed %d: the server got %d messages, want %d (Close after the send of %d)", seed, len(echoes), closeAt+1, closeAt)
		}
		echoMu.Unlock()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := socketGoroutinesLeft()
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("seed %d: after close, %d goroutines of the socket remain", seed, left)
		}
		time.Sleep(time.Millisecond)
	}
}

// socketGoroutinesLeft counts the goroutines that run code of a socket's.
func socketGoroutinesLeft() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "wsapi.(*nativeTransport)") || strings.Contains(g, "wsapi.(*WebSocket)") {
			n++
		}
	}
	return n
}
