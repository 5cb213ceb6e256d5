//go:build !js

package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/clientmem"
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

// clientMem measures n idle clients of each kind, coder's first, leaving
// this process's heap profiles in profDir. Each kind's connections come
// from source addresses of their own, from first on, so that neither
// meets the other's ports in TIME_WAIT.
func clientMem(ctx context.Context, n, first int, profDir string) (ours, coder clientmem.Growth, err error) {
	child, err := benchsrv.Start(ctx, benchsrv.Config{Mode: benchsrv.Bare})
	if err != nil {
		return ours, coder, err
	}
	defer child.Stop()
	url := child.WSURL("/ws/echo")
	addrs := benchsrv.AddrsFor(n)
	cd, wd := benchsrv.NewDialer(first, addrs, 0), benchsrv.NewDialer(first+addrs, addrs, 0)
	coder, err = clientmem.Hold(ctx, n, filepath.Join(profDir, "client-coder-heap.pb.gz"), func() (func(), error) {
		return openCoder(ctx, cd, url)
	})
	if err != nil {
		return ours, coder, fmt.Errorf("coder clients: %w", err)
	}
	ours, err = clientmem.Hold(ctx, n, filepath.Join(profDir, "client-wsapi-heap.pb.gz"), func() (func(), error) {
		return openWsapi(ctx, wd, url)
	})
	if err != nil {
		return ours, coder, fmt.Errorf("wsapi clients: %w", err)
	}
	return ours, coder, nil
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
func clientRows(n int, ours, coder clientmem.Growth) ([]report.Row, string) {
	ratio := ours.Bytes() / coder.Bytes()
	more := ours.Goroutines - coder.Goroutines
	rows := []report.Row{{
		Name:   fmt.Sprintf("client: KiB per idle socket, heap+stacks (%d sockets)", n),
		Ours:   fmt.Sprintf("%.1f KiB", ours.Bytes()/1024),
		Base:   fmt.Sprintf("%.1f KiB", coder.Bytes()/1024),
		Ratio:  report.Ratio(ratio),
		Target: fmt.Sprintf("≤ %.2f×", maxClientRatio),
		Pass:   report.Check(ratio <= maxClientRatio),
		Values: map[string]float64{"wsapi_bytes": ours.Bytes(), "coder_bytes": coder.Bytes(), "ratio": ratio},
	}, {
		Name:   "client: goroutines per idle socket",
		Ours:   fmt.Sprintf("%.2f", ours.Goroutines),
		Base:   fmt.Sprintf("%.2f", coder.Goroutines),
		Ratio:  fmt.Sprintf("%+.2f", more),
		Target: fmt.Sprintf("≤ +%d", maxClientGoroutines),
		// Half a goroutine per socket is the threshold, so that a
		// goroutine of the process that came or went is not one.
		Pass:   report.Check(more < maxClientGoroutines+0.5),
		Values: map[string]float64{"wsapi_goroutines": ours.Goroutines, "coder_goroutines": coder.Goroutines},
	}}
	var d strings.Builder
	fmt.Fprintf(&d, "The client side: this process held %d idle wsapi.WebSockets (default options, a message handler set, open),\n", n)
	fmt.Fprintf(&d, "then %d coder/websocket clients as a coder user holds one (default options, a goroutine in Read), to the bare\n", n)
	fmt.Fprintf(&d, "server in a child process; the growth of its heap and stacks after debug.FreeOSMemory, and of its goroutines, per\n")
	fmt.Fprintf(&d, "socket: wsapi %.1f KiB (heap %.1f, stacks %.1f) and %.2f goroutines, coder/websocket %.1f KiB (heap %.1f,\n",
		ours.Bytes()/1024, ours.Heap/1024, ours.Stacks/1024, ours.Goroutines, coder.Bytes()/1024, coder.Heap/1024)
	fmt.Fprintf(&d, "stacks %.1f) and %.2f.\n", coder.Stacks/1024, coder.Goroutines)
	return rows, d.String()
}
