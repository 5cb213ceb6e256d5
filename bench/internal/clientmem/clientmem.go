//go:build !js

// Package clientmem measures what idle client sockets cost the process
// that holds them: membench's wsapi and coder/websocket clients, and
// reconnectbench's reconnect.Socket beside the wsapi.WebSocket it wraps.
package clientmem

import (
	"context"
	"errors"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
)

// Growth is what the sockets grew this process by, per socket.
type Growth struct {
	Heap, Stacks float64 // bytes
	Goroutines   float64
}

// Bytes is the growth of heap and stacks.
func (g Growth) Bytes() float64 { return g.Heap + g.Stacks }

// Hold opens n sockets with open, 64 at a time, and returns this
// process's growth per socket once all are open and its goroutines stop
// changing, after a full GC (benchsrv.ReadMem); then it closes them. With
// a profile file named, it writes the heap profile there meanwhile.
func Hold(ctx context.Context, n int, profile string, open func() (closeIt func(), err error)) (Growth, error) {
	before := benchsrv.ReadMem(0)
	closers := make([]func(), n)
	defer Parallel(context.Background(), n, func(i int) error {
		if closers[i] != nil {
			closers[i]()
		}
		return nil
	})
	err := Parallel(ctx, n, func(i int) error {
		var err error
		closers[i], err = open()
		return err
	})
	if err != nil {
		return Growth{}, err
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
	if after.Heap+after.Stacks < before.Heap+before.Stacks {
		return Growth{}, errors.New("memory fell while sockets opened")
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return Growth{}, err
		}
		defer f.Close()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			return Growth{}, err
		}
	}
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(n) }
	return Growth{
		Heap:       per(after.Heap, before.Heap),
		Stacks:     per(after.Stacks, before.Stacks),
		Goroutines: per(uint64(after.Goroutines), uint64(before.Goroutines)),
	}, nil
}

// Parallel runs f(0) to f(n-1), 64 at a time, and returns the first error.
func Parallel(ctx context.Context, n int, f func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, 64) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					cancel(err)
				}
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}
