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
// runtime sets under wsapi. A third, goCoderBench, runs them on
// coder/websocket's own js/wasm client (coder.go), the peer a Go user
// would pick: Write, then Read, on one goroutine.
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

// side is one Go side of the page: it connects, then runs batches.
type side interface {
	open(url string) error
	batch(n, size, depth int, binary bool) error
}

func main() {
	js.Global().Set("goBench", expose(&wsapiBench{}))
	js.Global().Set("goRawBench", expose(&rawBench{}))
	js.Global().Set("goCoderBench", expose(&coderBench{}))
	if ready := js.Global().Get("goBenchReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // the page calls in from now on
}

// expose makes the page's object for s: open, roundTrips, pipelined, bulk.
func expose(s side) js.Value {
	api := js.Global().Get("Object").New()
	api.Set("open", method(func(args []js.Value) error {
		return s.open(args[0].String())
	}))
	api.Set("roundTrips", method(func(args []js.Value) error {
		return s.batch(args[0].Int(), args[1].Int(), 1, false)
	}))
	api.Set("pipelined", method(func(args []js.Value) error {
		return s.batch(args[0].Int(), args[1].Int(), args[2].Int(), false)
	}))
	api.Set("bulk", method(func(args []js.Value) error {
		return s.batch(args[0].Int(), args[1].Int(), 1, true)
	}))
	return api
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

// wsapiBench is the Go side through package wsapi.
type wsapiBench struct{ ws *wsapi.WebSocket }

func (w *wsapiBench) open(url string) error {
	ws, err := wsapi.New(url)
	if err != nil {
		return err
	}
	w.ws = ws
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return ws.WaitOpen(ctx)
}

// batch sends n messages of size bytes, depth at a time, and returns when
// the last echo has come back.
func (w *wsapiBench) batch(n, size, depth int, binary bool) error {
	if w.ws == nil {
		return errors.New("not open")
	}
	text, data := payload(size, binary)
	b := newBatchRun(n, size, depth, func() {
		if binary {
			w.ws.SendBinary(data)
		} else {
			w.ws.SendText(text)
		}
	})
	w.ws.SetHandlers(wsapi.Handlers{
		Message: func(m wsapi.MessageEvent) { b.echo(len(m.Data)) },
		Close: func(e wsapi.CloseEvent) {
			b.finish(fmt.Errorf("closed: %d %s", e.Code, e.Reason))
		},
	})
	return b.run()
}

// payload is a batch's message: text of size bytes, or as many bytes.
func payload(size int, binary bool) (string, []byte) {
	if !binary {
		return strings.Repeat("x", size), nil
	}
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*7 + i>>8)
	}
	return "", data
}

// batchRun is one batch's count, the same for both Go sides: each echo of
// the right size sends the next message until n were sent, and the n-th
// echo ends the batch.
type batchRun struct {
	n, size, depth int
	sent, got      int
	send           func()
	done           chan error
}

func newBatchRun(n, size, depth int, send func()) *batchRun {
	return &batchRun{n: n, size: size, depth: depth, send: send, done: make(chan error, 1)}
}

// run sends the first depth messages and waits for the end of the batch.
func (b *batchRun) run() error {
	b.start()
	return <-b.done
}

// start sends the first depth messages.
func (b *batchRun) start() {
	b.sent = min(b.depth, b.n)
	for range b.sent {
		b.send()
	}
}

// ended returns the batch's outcome once it has ended: for a side that
// reads in a loop of its own rather than in a handler.
func (b *batchRun) ended() (bool, error) {
	select {
	case err := <-b.done:
		return true, err
	default:
		return false, nil
	}
}

// echo counts an echo of m bytes.
func (b *batchRun) echo(m int) {
	if m != b.size {
		b.finish(fmt.Errorf("echo of %d bytes, want %d", m, b.size))
		return
	}
	b.got++
	if b.got == b.n {
		b.finish(nil)
		return
	}
	if b.sent < b.n {
		b.sent++
		b.send()
	}
}

// finish ends the batch with err, unless it has ended already.
func (b *batchRun) finish(err error) {
	select {
	case b.done <- err:
	default:
	}
}
