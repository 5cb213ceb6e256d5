//go:build !js

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/report"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The client side of an idle connection (issue 15): what n idle
// wsapi.WebSockets cost this process, beside n coder/websocket clients held
// the way a coder user holds one, a goroutine in Read that sees the close
// and answers pings. Both connect with their defaults to the bare server in
// a child process, so that only the clients are counted here.

// The targets of issue 15: at most 1.2× coder's memory per idle socket, and
// no goroutine more than coder's (its reader) while a socket has no work.
const (
	maxClientRatio      = 1.2
	maxClientGoroutines = 0 // above coder's, per socket
)

// clientResult is one kind of client's growth of this process, per socket.
type clientResult struct {
	kind         string
	bytes        float64 // heap and stacks
	heap, stacks float64 // the two apart
	goroutines   float64
}

// clientMem measures n idle clients of each kind, coder's first. Each
// kind's connections come from source addresses of their own, from first
// on, so that neither meets the other's ports in TIME_WAIT.
func clientMem(ctx context.Context, n, first int, profDir string) (ours, coder *clientResult, err error) {
	child, err := benchsrv.Start(ctx, benchsrv.Config{Mode: benchsrv.Bare})
	if err != nil {
		return nil, nil, err
	}
	defer child.Stop()
	url := child.WSURL("/ws/echo")
	addrs := benchsrv.AddrsFor(n)
	cd := benchsrv.NewDialer(first, addrs, 0)
	coder, err = holdClients(ctx, "coder", n, profDir, func() (func(), error) {
		return openCoder(ctx, cd, url)
	})
	if err != nil {
		return nil, nil, err
	}
	d := benchsrv.NewDialer(first+addrs, addrs, 0)
	ours, err = holdClients(ctx, "wsapi", n, profDir, func() (func(), error) {
		return openWsapi(ctx, d, url)
	})
	return ours, coder, err
}

// holdClients opens n clients with open, all at once but 64 at a time,
// and returns the growth of this process per client once all are open,
// leaving this process's heap profile in profDir.
func holdClients(ctx context.Context, kind string, n int, profDir string, open func() (closeIt func(), err error)) (*clientResult, error) {
	before := benchsrv.ReadMem(0)
	closers := make([]func(), n)
	defer parallel(context.Background(), n, func(i int) error {
		if closers[i] != nil {
			closers[i]()
		}
		return nil
	})
	err := parallel(ctx, n, func(i int) error {
		c, err := open()
		closers[i] = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%s clients: %w", kind, err)
	}
	// What runs only while it has work (wsapi's dispatcher lingers a
	// moment after an event) is given the time to end.
	for last, deadline := -1, time.Now().Add(10*time.Second); ; {
		g := runtime.NumGoroutine()
		if g == last || time.Now().After(deadline) {
			break
		}
		last = g
		time.Sleep(200 * time.Millisecond)
	}
	after := benchsrv.ReadMem(0)
	f, err := os.Create(filepath.Join(profDir, "client-"+kind+"-heap.pb.gz"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		return nil, err
	}
	return &clientResult{
		kind:       kind,
		bytes:      (float64(after.Heap+after.Stacks) - float64(before.Heap+before.Stacks)) / float64(n),
		heap:       (float64(after.Heap) - float64(before.Heap)) / float64(n),
		stacks:     (float64(after.Stacks) - float64(before.Stacks)) / float64(n),
		goroutines: float64(after.Goroutines-before.Goroutines) / float64(n),
	}, nil
}

// openCoder is a coder/websocket client as its users hold an idle one.
func openCoder(ctx context.Context, d *benchsrv.Dialer, url string) (func(), error) {
	c, err := d.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	return func() {
		c.Close(websocket.StatusNormalClosure, "")
		<-done
	}, nil
}

// openWsapi is a wsapi.WebSocket with its handlers set, open.
func openWsapi(ctx context.Context, d *benchsrv.Dialer, url string) (func(), error) {
	ws, err := wsapi.NewWithOptions(url, &wsapi.Options{HTTPClient: d.HTTPClient()})
	if err != nil {
		return nil, err
	}
	ws.SetHandlers(wsapi.Handlers{Message: func(wsapi.MessageEvent) {}})
	closeIt := func() { ws.Close(); <-ws.Done() }
	if err := ws.WaitOpen(ctx); err != nil {
		closeIt()
		return nil, err
	}
	return closeIt, nil
}

// clientRows are the client side's rows and detail.
func clientRows(n int, ours, coder *clientResult) ([]report.Row, string) {
	ratio := ours.bytes / coder.bytes
	more := ours.goroutines - coder.goroutines
	rows := []report.Row{{
		Name:   fmt.Sprintf("client: KiB per idle socket, heap+stacks (%d sockets)", n),
		Ours:   fmt.Sprintf("%.1f KiB", ours.bytes/1024),
		Base:   fmt.Sprintf("%.1f KiB", coder.bytes/1024),
		Ratio:  report.Ratio(ratio),
		Target: fmt.Sprintf("≤ %.2f×", maxClientRatio),
		Pass:   report.Check(ratio <= maxClientRatio),
		Values: map[string]float64{"wsapi_bytes": ours.bytes, "coder_bytes": coder.bytes, "ratio": ratio},
	}, {
		Name:   "client: goroutines per idle socket",
		Ours:   fmt.Sprintf("%.2f", ours.goroutines),
		Base:   fmt.Sprintf("%.2f", coder.goroutines),
		Ratio:  fmt.Sprintf("%+.2f", more),
		Target: fmt.Sprintf("≤ +%d", maxClientGoroutines),
		// Half a goroutine per socket is the threshold, so that a
		// goroutine of the process that came or went is not one.
		Pass:   report.Check(more < maxClientGoroutines+0.5),
		Values: map[string]float64{"wsapi_goroutines": ours.goroutines, "coder_goroutines": coder.goroutines},
	}}
	var d strings.Builder
	fmt.Fprintf(&d, "The client side: this process held %d idle wsapi.WebSockets (default options, a message handler set, open),\n", n)
	fmt.Fprintf(&d, "then %d coder/websocket clients as a coder user holds one (default options, a goroutine in Read), to the bare\n", n)
	fmt.Fprintf(&d, "server in a child process; the growth of its heap and stacks after debug.FreeOSMemory, and of its goroutines, per\n")
	fmt.Fprintf(&d, "socket: wsapi %.1f KiB (heap %.1f, stacks %.1f) and %.2f goroutines, coder/websocket %.1f KiB (heap %.1f,\n",
		ours.bytes/1024, ours.heap/1024, ours.stacks/1024, ours.goroutines, coder.bytes/1024, coder.heap/1024)
	fmt.Fprintf(&d, "stacks %.1f) and %.2f.\n", coder.stacks/1024, coder.goroutines)
	return rows, d.String()
}
