//go:build js && wasm

package reconnect

import (
	"os"
	"syscall/js"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestPageListeners dispatches the page's own events to a socket that
// listens to them, and counts the listeners it adds and removes: none is
// left after the final close.
func TestPageListeners(t *testing.T) {
	win, doc := js.Global().Get("window"), js.Global().Get("document")
	if win.Type() != js.TypeObject || doc.Type() != js.TypeObject {
		t.Skip("no page: Node")
	}
	// Count through the prototype's methods, which window and document
	// share (EventTarget).
	proto := js.Global().Get("EventTarget").Get("prototype")
	add, remove := proto.Get("addEventListener"), proto.Get("removeEventListener")
	live := 0
	countAdd := js.FuncOf(func(this js.Value, args []js.Value) any {
		live++
		return add.Call("apply", this, js.ValueOf(toAny(args)))
	})
	countRemove := js.FuncOf(func(this js.Value, args []js.Value) any {
		live--
		return remove.Call("apply", this, js.ValueOf(toAny(args)))
	})
	proto.Set("addEventListener", countAdd)
	proto.Set("removeEventListener", countRemove)
	defer func() {
		proto.Set("addEventListener", add)
		proto.Set("removeEventListener", remove)
		countAdd.Release()
		countRemove.Release()
	}()

	s, err := New(os.Getenv("WSAPI_RECONNECT_SERVER")+"/echo", &Options{
		MinDelay: time.Millisecond, MaxDelay: time.Millisecond, Rand: func() float64 { return 0 },
	})
	if err != nil {
		t.Fatal(err)
	}
	if live != 5 {
		t.Errorf("%d listeners added, want 5", live)
	}
	ch := make(chan string, 100)
	s.OnRetry(func(r Retry) { ch <- "retry " + r.Paused })
	s.SetHandlers(wsapi.Handlers{
		Open:  func() { ch <- "open" },
		Close: func(e wsapi.CloseEvent) { ch <- "close " + e.Reason },
	})
	expect(t, ch, "open")
	win.Call("dispatchEvent", js.Global().Get("Event").New("offline"))
	expect(t, ch, "close reconnect: offline", "retry offline")
	win.Call("dispatchEvent", js.Global().Get("Event").New("online"))
	expect(t, ch, "open")
	// Hidden: an open connection stays, and no attempt starts while
	// hidden; visible again, a waiting retry starts at once.
	js.Global().Get("Object").Call("defineProperty", doc, "visibilityState", map[string]any{"value": "hidden", "configurable": true})
	doc.Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange"))
	s.mu.Lock()
	c := s.cur
	s.mu.Unlock()
	c.ws.Close() // a drop while hidden
	expect(t, ch, "close ", "retry hidden")
	quiet(t, ch)
	doc.Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange")) // still hidden
	quiet(t, ch)
	js.Global().Get("Object").Call("defineProperty", doc, "visibilityState", map[string]any{"value": "visible", "configurable": true})
	doc.Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange"))
	expect(t, ch, "open")
	win.Call("dispatchEvent", js.Global().Get("PageTransitionEvent").New("pagehide", map[string]any{"persisted": true}))
	expect(t, ch, "close pagehide", "retry pagehide")
	win.Call("dispatchEvent", js.Global().Get("PageTransitionEvent").New("pageshow", map[string]any{"persisted": true}))
	expect(t, ch, "open")
	s.Close()
	<-s.Done()
	doc.Call("dispatchEvent", js.Global().Get("Event").New("visibilitychange"))
	js.Global().Get("Reflect").Call("deleteProperty", doc, "visibilityState")
	if live != 0 {
		t.Errorf("%d listeners left after Done", live)
	}
}

func toAny(args []js.Value) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = a
	}
	return out
}
