//go:build js && wasm

// Command browser is the Go side of the browser benchmark
// (bench/cmd/browserbench): compiled to WebAssembly, it gives the page
// (index.html) an object goBench with the same methods as the page's own
// plain-JavaScript side, each running one batch over a wsapi.WebSocket
// and returning a Promise, so that the page times both the same way.
//
//	goBench.open(url)                  connect
//	goBench.roundTrips(n, size)        n text messages of size bytes, one in flight
//	goBench.pipelined(n, size, depth)  n text messages, depth in flight
//	goBench.bulk(n, size)              n binary messages of size bytes, one in flight
//
// Each message handler sends the next message, as a JavaScript onmessage
// would; the batch ends when the last echo has come back.
//
// A second object, goRawBench, has the same methods on the same WebSocket
// class driven through syscall/js alone (raw.go): the floor that the Go
// runtime sets under wsapi.
package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall/js"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

var ws *wsapi.WebSocket

func main() {
	api := js.Global().Get("Object").New()
	api.Set("open", method(func(args []js.Value) error {
		return open(args[0].String())
	}))
	api.Set("roundTrips", method(func(args []js.Value) error {
		return batch(args[0].Int(), args[1].Int(), 1, false)
	}))
	api.Set("pipelined", method(func(args []js.Value) error {
		return batch(args[0].Int(), args[1].Int(), args[2].Int(), false)
	}))
	api.Set("bulk", method(func(args []js.Value) error {
		return batch(args[0].Int(), args[1].Int(), 1, true)
	}))
	js.Global().Set("goBench", api)
	js.Global().Set("goRawBench", newRawBench())
	if ready := js.Global().Get("goBenchReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // the page calls in from now on
}

// method makes f a JavaScript function that returns a Promise, settled
// when f, run on a goroutine of its own, returns.
func method(f func(args []js.Value) error) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		var resolve, reject js.Value
		executor := js.FuncOf(func(_ js.Value, fns []js.Value) any {
			resolve, reject = fns[0], fns[1]
			return nil
		})
		p := js.Global().Get("Promise").New(executor)
		executor.Release()
		go func() {
			if err := f(args); err != nil {
				reject.Invoke(js.Global().Get("Error").New(err.Error()))
				return
			}
			resolve.Invoke()
		}()
		return p
	})
}

func open(url string) error {
	var err error
	ws, err = wsapi.New(url)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return ws.WaitOpen(ctx)
}

// batch sends n messages of size bytes, depth at a time, and returns when
// the last echo has come back.
func batch(n, size, depth int, binary bool) error {
	if ws == nil {
		return errors.New("not open")
	}
	text := strings.Repeat("x", size)
	var data []byte
	if binary {
		data = make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i>>8)
		}
	}
	send := func() {
		if binary {
			ws.SendBinary(data)
		} else {
			ws.SendText(text)
		}
	}
	done := make(chan error, 1)
	finish := func(err error) {
		select {
		case done <- err:
		default: // the batch has ended already
		}
	}
	first := min(depth, n)
	sent, got := first, 0 // the handler's from here on
	ws.SetHandlers(wsapi.Handlers{
		Message: func(m wsapi.MessageEvent) {
			if len(m.Data) != size {
				finish(fmt.Errorf("echo of %d bytes, want %d", len(m.Data), size))
				return
			}
			got++
			if got == n {
				finish(nil)
				return
			}
			if sent < n {
				sent++
				send()
			}
		},
		Close: func(e wsapi.CloseEvent) {
			finish(fmt.Errorf("closed: %d %s", e.Code, e.Reason))
		},
	})
	for range first {
		send()
	}
	return <-done
}
