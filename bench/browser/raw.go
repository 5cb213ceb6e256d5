//go:build js && wasm

package main

import (
	"errors"
	"syscall/js"
)

// rawBench is the third side of the page: the browser's WebSocket driven
// from Go through syscall/js alone, with no wsapi and no safejs. Its
// onmessage is a js.FuncOf that does, on the JS event loop, the least that
// a Go program which sees the bytes must do: read e.data into Go memory
// (a string, or bytes copied out through a Uint8Array), check its length,
// and send the next message from Go memory. What wsapi costs over it is
// wsapi's own; what it costs over plain JavaScript is the Go runtime's
// (entering Go for each event, syscall/js's references and their
// finalizers, the copies across the wasm boundary).
type rawBench struct {
	ws     js.Value
	handle func(data js.Value) // the batch's; set before each batch
}

func (r *rawBench) open(url string) error {
	ws := js.Global().Get("WebSocket").New(url)
	ws.Set("binaryType", "arraybuffer")
	opened := make(chan error, 1)
	var onopen, onerror js.Func
	onopen = js.FuncOf(func(js.Value, []js.Value) any {
		opened <- nil
		return nil
	})
	onerror = js.FuncOf(func(js.Value, []js.Value) any {
		opened <- errors.New("failed to connect to " + url)
		return nil
	})
	ws.Set("onopen", onopen)
	ws.Set("onerror", onerror)
	err := <-opened
	ws.Set("onopen", js.Null())
	ws.Set("onerror", js.Null())
	onopen.Release()
	onerror.Release()
	if err != nil {
		return err
	}
	r.ws = ws
	// One onmessage for the socket's life, as wsapi sets one.
	ws.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if h := r.handle; h != nil {
			h(args[0].Get("data"))
		}
		return nil
	}))
	return nil
}

func (r *rawBench) batch(n, size, depth int, binary bool) error {
	if r.ws.IsUndefined() {
		return errors.New("not open")
	}
	text, data := payload(size, binary)
	uint8Array := js.Global().Get("Uint8Array")
	b := newBatchRun(n, size, depth, func() {
		if binary {
			buf := uint8Array.New(len(data))
			js.CopyBytesToJS(buf, data)
			r.ws.Call("send", buf)
		} else {
			r.ws.Call("send", text)
		}
	})
	r.handle = func(d js.Value) {
		if binary {
			view := uint8Array.New(d)
			got := make([]byte, view.Length())
			js.CopyBytesToGo(got, view)
			b.echo(len(got))
		} else {
			b.echo(len(d.String()))
		}
	}
	defer func() { r.handle = nil }()
	return b.run()
}
