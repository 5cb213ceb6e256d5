//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"strings"
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

func newRawBench() js.Value {
	r := &rawBench{}
	api := js.Global().Get("Object").New()
	api.Set("open", method(func(args []js.Value) error { return r.open(args[0].String()) }))
	api.Set("roundTrips", method(func(args []js.Value) error {
		return r.batch(args[0].Int(), args[1].Int(), 1, false)
	}))
	api.Set("pipelined", method(func(args []js.Value) error {
		return r.batch(args[0].Int(), args[1].Int(), args[2].Int(), false)
	}))
	api.Set("bulk", method(func(args []js.Value) error {
		return r.batch(args[0].Int(), args[1].Int(), 1, true)
	}))
	return api
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
	text := strings.Repeat("x", size)
	var data []byte
	if binary {
		data = make([]byte, size)
		for i := range data {
			data[i] = byte(i*7 + i>>8)
		}
	}
	uint8Array := js.Global().Get("Uint8Array")
	send := func() {
		if binary {
			buf := uint8Array.New(len(data))
			js.CopyBytesToJS(buf, data)
			r.ws.Call("send", buf)
		} else {
			r.ws.Call("send", text)
		}
	}
	done := make(chan error, 1)
	finish := func(err error) {
		r.handle = nil
		done <- err
	}
	first := min(depth, n)
	sent, got := first, 0
	r.handle = func(d js.Value) {
		var m int
		if binary {
			view := uint8Array.New(d)
			b := make([]byte, view.Length())
			js.CopyBytesToGo(b, view)
			m = len(b)
		} else {
			m = len(d.String())
		}
		if m != size {
			finish(fmt.Errorf("echo of %d bytes, want %d", m, size))
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
	}
	for range first {
		send()
	}
	return <-done
}
