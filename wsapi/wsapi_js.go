//go:build js && wasm

package wsapi

import (
	"errors"
	"strconv"
	"sync"
	"syscall/js"
	"unicode/utf8"
	"unsafe"

	"github.com/hack-pad/safejs"
)

// jsTransport is the backend on the browser's own WebSocket. Its callbacks
// run on the JS event loop and must never block: each copies what the event
// carries into Go memory, hands it to the socket's queue, and returns. The
// socket's own goroutine does the rest.
//
// Messages, both ways, go through a small JavaScript helper (see
// jsFastPath) and two byte buffers of its own, so that a message costs no
// js.Value: in Go on wasm each one that holds a JS object or string gets a
// finalizer, and runtime.addspecial, which records it, walks the list of
// those of its memory span, so that it, not the calls across the boundary,
// was most of what a message cost.
type jsTransport struct {
	ws    *WebSocket
	js    safejs.Value
	funcs []safejs.Func

	onMessage  js.Func    // deliver(kind, n[, bytes]), called by the helper
	rbuf, sbuf js.Value   // the helper's receive and send buffers
	jsSendText js.Value   // sendText(n): send sbuf[:n] as text
	jsSendBin  js.Value   // sendBinary(n): send a copy of sbuf[:n]
	sendMu     sync.Mutex // holds sbuf from the copy to the send
	fast       bool       // the helper is in place
}

// fastBufSize is the size of each of the helper's buffers: messages up to
// it cross without a js.Value, larger ones with one.
const fastBufSize = 16 << 10

// jsFastPath makes a socket's helper: it sets ws.onmessage to a function
// that copies e.data into rbuf (UTF-8 for text) and calls deliver(kind, n),
// or deliver(kind, n, bytes) when it does not fit, and returns the buffers
// and the two send functions. None of them throws: send only throws while
// CONNECTING, which Send checks first, and a throw would be a panic in Go.
var jsFastPath, _ = safejs.Global().Get("Function")

const jsFastPathSource = `"use strict";
const enc = new TextEncoder(), dec = new TextDecoder();
return function (ws, deliver, size) {
	const rbuf = new Uint8Array(size), sbuf = new Uint8Array(size);
	ws.onmessage = function (e) {
		const d = e.data;
		if (typeof d === "string") {
			const r = enc.encodeInto(d, rbuf);
			if (r.read === d.length) {
				deliver(1, r.written);
			} else {
				const b = enc.encode(d);
				deliver(1, b.length, b);
			}
			return;
		}
		const b = new Uint8Array(d);
		if (b.length <= size) {
			rbuf.set(b);
			deliver(2, b.length);
		} else {
			deliver(2, b.length, b);
		}
	};
	const send = (x) => { try { ws.send(x); } catch {} };
	return {
		rbuf, sbuf,
		sendText(n) { send(dec.decode(sbuf.subarray(0, n))); },
		sendBinary(n) { send(sbuf.slice(0, n)); },
	};
};`

// newFastPath returns the helper factory, made once, or undefined when
// the page forbids making it.
var newFastPath = sync.OnceValue(func() js.Value {
	if jsFastPath.Type() != safejs.TypeFunction {
		return js.Undefined()
	}
	f, err := jsFastPath.New(jsFastPathSource)
	if err != nil {
		return js.Undefined()
	}
	h, err := f.Invoke()
	if err != nil {
		return js.Undefined()
	}
	return safejs.Unsafe(h)
})

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
	if !utf8.ValidString(rawURL) {
		// The browser would turn the bad bytes into U+FFFD and connect
		// somewhere else; natively it is a SyntaxError, so here too.
		return nil, wrap("invalid WebSocket URL "+strconv.Quote(rawURL)+": not valid UTF-8", ErrSyntax)
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
		return nil, &wrapError{msg: ErrSyntax.Error() + ": " + err.Error(), err: ErrSyntax}
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
	}
	if !t.attach() {
		handlers = append(handlers, struct {
			name string
			fn   func(ev safejs.Value)
		}{"onmessage", t.onMessageEvent})
	}
	for _, h := range handlers {
		fn := h.fn
		f, err := safejs.FuncOf(func(_ safejs.Value, args []safejs.Value) any {
			if len(args) > 0 {
				fn(args[0])
			}
			return nil
		})
		if err == nil {
			err = v.Set(h.name, f.Value())
		}
		if err != nil {
			t.closeJS()
			t.release()
			return nil, wrap("failed to set "+h.name, err)
		}
		t.funcs = append(t.funcs, f)
	}
	return t, nil
}

func (t *jsTransport) onOpen(safejs.Value) {
	t.ws.emitOpen(t.stringProp(t.js, "protocol"), t.stringProp(t.js, "extensions"))
}

// attach sets onmessage through the helper and keeps what it returns. It
// reports false when there is no helper: Function throws EvalError on a
// page whose Content-Security-Policy forbids eval, and the socket then
// takes onMessageEvent's slower way.
func (t *jsTransport) attach() (ok bool) {
	defer func() {
		if recover() != nil {
			t.onMessage.Release()
			ok = false
		}
	}()
	h := newFastPath()
	if h.Type() != js.TypeFunction {
		return false
	}
	t.onMessage = js.FuncOf(t.deliver)
	o := h.Invoke(safejs.Unsafe(t.js), t.onMessage, fastBufSize)
	t.rbuf, t.sbuf = o.Get("rbuf"), o.Get("sbuf")
	t.jsSendText, t.jsSendBin = o.Get("sendText"), o.Get("sendBinary")
	t.fast = true
	return true
}

// deliver is onmessage's Go side: args are the kind (1 text, 2 binary),
// the length, and the bytes when they were too many for rbuf.
func (t *jsTransport) deliver(_ js.Value, args []js.Value) any {
	if len(args) < 2 {
		return nil
	}
	typ, n := MessageType(args[0].Int()), args[1].Int()
	b := make([]byte, n)
	if len(args) > 2 {
		js.CopyBytesToGo(b, args[2])
	} else {
		js.CopyBytesToGo(b, t.rbuf)
	}
	t.ws.emitMessage(typ, b)
	return nil
}

// onMessageEvent is onmessage without the helper.
func (t *jsTransport) onMessageEvent(ev safejs.Value) {
	data, err := ev.Get("data")
	if err != nil {
		return
	}
	if data.Type() == safejs.TypeString {
		s, _ := data.String()
		t.ws.emitMessage(Text, []byte(s))
		return
	}
	// binaryType is "arraybuffer": copy the bytes out through a view.
	view, err := uint8Array.New(data)
	if err != nil {
		return
	}
	n, _ := view.Length()
	b := make([]byte, n)
	safejs.CopyBytesToGo(b, view)
	t.ws.emitMessage(Binary, b)
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

func (t *jsTransport) sendText(s string) {
	if !t.fast || len(s) > fastBufSize {
		t.js.Call("send", s)
		return
	}
	// CopyBytesToJS only reads the string's bytes.
	t.sendSmall(t.jsSendText, unsafe.Slice(unsafe.StringData(s), len(s)))
}

func (t *jsTransport) sendBinary(data []byte) {
	if t.fast && len(data) <= fastBufSize {
		t.sendSmall(t.jsSendBin, data)
		return
	}
	buf, err := uint8Array.New(len(data))
	if err != nil {
		return
	}
	safejs.CopyBytesToJS(buf, data)
	t.js.Call("send", buf)
}

// sendSmall copies b into the helper's sbuf and has send take it from
// there: no js.Value, and two calls across the boundary.
func (t *jsTransport) sendSmall(send js.Value, b []byte) {
	t.sendMu.Lock()
	defer t.sendMu.Unlock()
	js.CopyBytesToJS(t.sbuf, b)
	send.Invoke(len(b))
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
	t.js.Call("close", code, reason)
}

// abort closes a socket that is still connecting; the browser fails it, and
// the socket has already queued the same error and close itself.
func (t *jsTransport) abort() { t.closeJS() }

func (t *jsTransport) closeJS() { t.js.Call("close") }

// release detaches and frees the callbacks once the close event was
// dispatched. A close that the socket queued itself (after Close while
// CONNECTING) may be dispatched before the browser's own close event, so the
// handlers are replaced by nothing first: a later event finds no Go func.
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
	t.onMessage.Release()
	t.onMessage = js.Func{}
}
