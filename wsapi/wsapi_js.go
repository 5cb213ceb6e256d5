//go:build js && wasm

package wsapi

import (
	_ "embed"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/hack-pad/safejs"
)

// jsTransport is the backend on the browser's own WebSocket. Its callbacks
// run on the JS event loop and must never block: each copies what the event
// carries into Go memory, hands it to the socket's queue, and returns. The
// socket's own goroutine does the rest.
//
// Messages, both ways, go through a small JavaScript helper (see
// jsFastPath) so that a message costs no js.Value: in Go on wasm each one
// that holds a JS object or string gets a finalizer, and
// runtime.addspecial, which records it, walks the list of those of its
// memory span. Received messages come through a byte buffer of the
// helper's; a sent one is one CopyBytesToJS into one of its sinks, which
// sends it there and then (see sendText). Entering Go from JavaScript is
// the other large cost (syscall/js reads the call's event, this and
// arguments one property at a time, then the scheduler switches goroutines
// twice), so the helper enters Go once for all the messages the browser
// dispatches in a burst: the first at once, as the browser fires it, and
// those that follow it before a task posted after it runs, together.
type jsTransport struct {
	ws    *WebSocket
	js    safejs.Value
	funcs []safejs.Func

	onMessage  js.Func  // deliver(used) or deliver(kind, n, bytes), called by the helper
	rbuf       js.Value // the helper's receive buffer
	detach     js.Value // detach(): the helper calls Go no more
	textSink   js.Value // CopyBytesToJS(textSink, b) sends b as text
	binarySink js.Value // CopyBytesToJS(binarySink, b) sends b as binary
	fast       bool     // the helper is in place
	sinks      bool     // and its sinks work here

	sendMu    sync.Mutex  // guards the three below
	tasks     *taskPoster // WaitBufferedAmount's quick looks; see drained
	stopTasks func()      // tasks.stop, set with tasks
	released  bool        // release ran: no poster may be made
}

// The two JS classes the backend constructs, looked up once.
var (
	jsWebSocket, _ = safejs.Global().Get("WebSocket")
	uint8Array, _  = safejs.Global().Get("Uint8Array")
)

var errNoJSClass = errors.New("this JavaScript runtime has no WebSocket class (Node needs --experimental-websocket before version 22)")

func dial(ws *WebSocket, rawURL string, o *Options) (transport, error) {
	if err := o.nativeOnly(); err != nil {
		return nil, err
	}
	if jsWebSocket.IsUndefined() {
		return nil, errNoJSClass
	}
	protocols := make([]any, len(o.Protocols))
	for i, p := range o.Protocols {
		protocols[i] = p
	}
	// The browser parses the URL (resolving a relative one against the
	// page) and throws SyntaxError for what it refuses.
	v, err := jsWebSocket.New(rawURL, protocols)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	t := &jsTransport{ws: ws, js: v}
	if u, err := v.Get("url"); err == nil {
		ws.url, _ = u.String()
	}
	if err := v.Set("binaryType", "arraybuffer"); err != nil {
		t.closeJS()
		return nil, err
	}
	handlers := []struct {
		name string
		fn   func(ev safejs.Value)
	}{
		{"onopen", t.onOpen},
		{"onerror", t.onError},
		{"onclose", t.onClose},
		{"onmessage", t.onMessageEvent}, // used without the helper only
	}
	for _, h := range handlers {
		fn := h.fn
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			if len(args) > 0 {
				fn(args[0])
			}
			return nil
		})
		if err != nil {
			t.closeJS()
			t.release()
			return nil, wrap("failed to set "+h.name, err)
		}
		t.funcs = append(t.funcs, f)
	}
	if t.attach() {
		return t, nil
	}
	for i, h := range handlers {
		if err := v.Set(h.name, t.funcs[i].Value()); err != nil {
			t.closeJS()
			t.release()
			return nil, wrap("failed to set "+h.name, err)
		}
	}
	return t, nil
}

func (t *jsTransport) onOpen(safejs.Value) {
	t.ws.emitOpen(t.stringProp(t.js, "protocol"), t.stringProp(t.js, "extensions"))
}

// onError reports the failure and the close together. The browser follows
// an error event with close 1006 at once; Node (undici) fails a connection
// that never opened with no close at all. Queuing both here keeps "close
// exactly once" on every runtime; the browser's own close, if it comes, is
// then ignored.
func (t *jsTransport) onError(safejs.Value) {
	// The browser says nothing about why; its console does.
	t.ws.emitClose(CloseEvent{Code: 1006}, connectionError(t.ws.url, errors.New("the browser reported an error event")))
}

func (t *jsTransport) onClose(ev safejs.Value) {
	code, _ := t.intProp(ev, "code")
	ce := CloseEvent{Code: code, Reason: t.stringProp(ev, "reason")}
	if clean, err := ev.Get("wasClean"); err == nil {
		ce.WasClean, _ = clean.Bool()
	}
	t.ws.emitClose(ce, nil)
}

func (t *jsTransport) stringProp(v safejs.Value, name string) string {
	p, err := v.Get(name)
	if err != nil {
		return ""
	}
	s, _ := p.String()
	return s
}

func (t *jsTransport) intProp(v safejs.Value, name string) (int, error) {
	p, err := v.Get(name)
	if err != nil {
		return 0, err
	}
	return p.Int()
}

func (t *jsTransport) bufferedAmount() uint64 {
	v, err := t.js.Get("bufferedAmount")
	if err != nil {
		return 0
	}
	f, _ := v.Float()
	return uint64(f)
}

func (t *jsTransport) close(code int, reason string) {
	if code == 0 {
		t.js.Call("close")
		return
	}
	t.js.Call("close", code, jsString(reason))
}

// abort closes a socket that is still connecting; the browser fails it, and
// the socket has already queued the same error and close itself.
func (t *jsTransport) abort() { t.closeJS() }

func (t *jsTransport) closeJS() { t.js.Call("close") }

// release detaches and frees the callbacks once the close event was
// dispatched. A close that the socket queued itself (after Close while
// CONNECTING) may be dispatched before the browser's own close event, so the
// handlers are replaced by nothing first: a later event finds no Go func.
// beginTask and endTask do nothing: the browser's bufferedAmount already
// falls only between its tasks.
func (t *jsTransport) beginTask() {}
func (t *jsTransport) endTask()   {}
func (t *jsTransport) yieldTask() {}

func (t *jsTransport) release() {
	if st, err := t.intProp(t.js, "readyState"); err == nil && st != int(Closed) {
		t.closeJS() // Node may leave a failed socket CONNECTING
	}
	for _, name := range []string{"onopen", "onmessage", "onerror", "onclose"} {
		t.js.Set(name, safejs.Null())
	}
	for _, f := range t.funcs {
		f.Release()
	}
	t.funcs = nil
	if t.fast {
		t.detach.Invoke()
	}
	t.onMessage.Release()
	t.onMessage = js.Func{}
	// Through a func set by postTask: a program that never waits for
	// the buffered amount does not link the poster.
	t.sendMu.Lock()
	stop := t.stopTasks
	t.released = true
	t.sendMu.Unlock()
	if stop != nil {
		stop()
	}
}
