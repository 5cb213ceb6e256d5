//go:build !js

package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/wsapi"
)

// Tolerances of TestCycles: after the cycles, once the last connection is
// gone, the goroutines must be back to exactly what they were, and the
// live heap within heapTolerance of what it was (sync.Pool buffers and
// the runtime's own caches move by a few hundred kilobytes; a leak of one
// connection's worth per cycle would be tens of megabytes).
const heapTolerance = 2 << 20

// cyclesCount is how many cycles TestCycles runs: WSAPI_CYCLES, else
// 10,000, which take about 8s, and 12s under the race detector, on 2 cores.
func cyclesCount(t *testing.T) int {
	if s := os.Getenv("WSAPI_CYCLES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("WSAPI_CYCLES: %v", err)
		}
		return n
	}
	return 10000
}

// TestCycles connects, sends, receives the echo and closes, many times
// over, several connections at a time, with the native wsapi client
// against the real server, and measures goroutines and heap before and
// after.
func TestCycles(t *testing.T) {
	if testing.Short() {
		t.Skip("many connections")
	}
	n := cyclesCount(t)
	const parallel = 8

	o := server.Options{Logger: slog.New(slog.DiscardHandler), RateLimit: -1}
	testFiles(t, &o)
	s, err := server.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws/echo"

	cycle := func(i int) error {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		ws, err := wsapi.New(url)
		if err != nil {
			return err
		}
		got := make(chan string, 1)
		ws.OnMessage(func(m wsapi.MessageEvent) { got <- m.Text() })
		if err := ws.WaitOpen(ctx); err != nil {
			ws.Close()
			return fmt.Errorf("cycle %d: open: %w", i, err)
		}
		msg := "cycle " + strconv.Itoa(i)
		ws.SendText(msg)
		select {
		case m := <-got:
			if m != msg {
				return fmt.Errorf("cycle %d: echo %q", i, m)
			}
		case <-ctx.Done():
			return fmt.Errorf("cycle %d: no echo", i)
		}
		ws.Close()
		select {
		case <-ws.Done():
		case <-ctx.Done():
			return fmt.Errorf("cycle %d: no close", i)
		}
		if e, _ := ws.CloseEvent(); e.Code != 1005 || !e.WasClean {
			return fmt.Errorf("cycle %d: close %+v", i, e)
		}
		return nil
	}
	run := func(n int) time.Duration {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, parallel)
		next := make(chan int)
		for range parallel {
			wg.Go(func() {
				for i := range next {
					if err := cycle(i); err != nil {
						select {
						case errs <- err:
						default:
						}
					}
				}
			})
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		return time.Since(start)
	}

	// A warm-up fills the pools and caches that stay, then the baseline.
	run(200)
	g0, h0 := settle(0)
	took := run(n)
	g1, h1 := settle(g0)
	t.Logf("%d cycles, %d at a time, in %v (%.0f/s): goroutines %d before, %d after; heap %.1f MiB before, %.1f MiB after (tolerance: goroutines 0, heap %d MiB)",
		n, parallel, took.Round(time.Millisecond), float64(n)/took.Seconds(),
		g0, g1, float64(h0)/(1<<20), float64(h1)/(1<<20), heapTolerance>>20)
	if g1 != g0 {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", g0, g1, buf[:runtime.Stack(buf, true)])
	}
	if h1 > h0+heapTolerance {
		t.Errorf("live heap grew from %d to %d bytes, over the tolerance of %d", h0, h1, heapTolerance)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Error(err)
	}
}

// settle waits up to 5s for the goroutines to come down to want (0: no
// wait), then collects garbage and returns the goroutines and the live
// heap.
func settle(want int) (goroutines int, heap uint64) {
	deadline := time.Now().Add(5 * time.Second)
	for want > 0 && runtime.NumGoroutine() > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapAlloc
}
