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
// those of its memory span. Entering Go from JavaScript is the other large
// cost (syscall/js reads the call's event, this and arguments one property
// at a time, then the scheduler switches goroutines twice), so the helper
// enters Go once for all the messages the browser dispatches in one task:
// the first at once, as the browser fires it, and those that follow it in
// the same task together, in a task of their own right after it.
type jsTransport struct {
	ws    *WebSocket
	js    safejs.Value
	funcs []safejs.Func

	onMessage  js.Func    // deliver(used) or deliver(kind, n, bytes), called by the helper
	rbuf, sbuf js.Value   // the helper's receive and send buffers
	detach     js.Value   // detach(): the helper calls Go no more
	jsSendText js.Value   // sendText(n): send sbuf[:n] as text
	jsSendBin  js.Value   // sendBinary(n): send a copy of sbuf[:n]
	sendMu     sync.Mutex // holds sbuf from the copy to the send
	fast       bool       // the helper is in place
}

// fastBufSize is the size of each of the helper's buffers: messages that
// fit cross without a js.Value, larger ones with one.
const fastBufSize = 16 << 10

// recHeader is the size of a message's header in rbuf: its kind (1 text,
// 2 binary) and its length, uint32 little-endian.
const recHeader = 5

// jsFastPath makes a socket's helper. It sets the socket's four handlers:
// onmessage appends e.data to rbuf (UTF-8 for text) after a header of
// recHeader bytes and calls deliver(used), with the bytes of rbuf used, at
// once for the first message since the helper's last task and in that task
// for those after it; a message that does not fit in rbuf goes on its own,
// as deliver(kind, n, bytes), after those before it. onerror and onclose
// deliver what rbuf holds before they call their Go function, so that the
// order stays the browser's. It returns the buffers, the two send
// functions and detach. None of them throws: send only throws while
// CONNECTING, which Send checks first, and a throw would be a panic in Go.
var jsFastPath, _ = safejs.Global().Get("Function")

const jsFastPathSource = `"use strict";
const enc = new TextEncoder(), dec = new TextDecoder("utf-8", { ignoreBOM: true });
// after(f) returns [post, stop]: post runs f in a task of its own, after
// those already queued (the browser's scheduler.postTask, else Node's
// setImmediate, else a MessageChannel), and stop frees what post needs. A
// port with a listener lives as long as the channel is open, and keeps
// Node running: stop closes it.
const after = (f) => {
	if (typeof scheduler === "object" && scheduler && typeof scheduler.postTask === "function") {
		return [() => { scheduler.postTask(f); }, () => {}];
	}
	if (typeof setImmediate === "function") {
		return [() => { setImmediate(f); }, () => {}];
	}
	const mc = new MessageChannel();
	mc.port1.onmessage = f;
	return [() => { mc.port2.postMessage(0); }, () => { mc.port1.close(); }];
};
return function (ws, deliver, size, onopen, onerror, onclose) {
	const rbuf = new Uint8Array(size), sbuf = new Uint8Array(size);
	const view = new DataView(rbuf.buffer);
	let used = 0, waiting = false, dead = false;
	const flush = () => {
		if (used > 0 && !dead) {
			const n = used;
			used = 0;
			deliver(n);
		}
	};
	const task = () => { waiting = false; flush(); };
	const [later, stop] = after(task);
	const put = (kind, d, b) => {
		const at = used + 5;
		if (at > size) return false;
		let n;
		if (kind === 1) {
			const r = enc.encodeInto(d, rbuf.subarray(at));
			if (r.read !== d.length) return false;
			n = r.written;
		} else {
			if (b.length > size - at) return false;
			rbuf.set(b, at);
			n = b.length;
		}
		rbuf[used] = kind;
		view.setUint32(used + 1, n, true);
		used = at + n;
		return true;
	};
	ws.onmessage = (e) => {
		if (dead) return;
		const d = e.data, kind = typeof d === "string" ? 1 : 2;
		const b = kind === 1 ? null : new Uint8Array(d);
		if (!put(kind, d, b)) {
			flush();
			if (dead) return; // Go let go of the socket in that delivery
			if (!put(kind, d, b)) {
				const big = kind === 1 ? enc.encode(d) : b;
				deliver(kind, big.length, big);
				return;
			}
		}
		if (!waiting) {
			waiting = true;
			flush();
			later(); // after the send that the handler may have made
		}
	};
	ws.onopen = onopen;
	ws.onerror = (e) => { flush(); onerror(e); };
	ws.onclose = (e) => { flush(); onclose(e); };
	const send = (x) => { try { ws.send(x); } catch {} };
	return {
		rbuf, sbuf,
		sendText(n) { send(dec.decode(sbuf.subarray(0, n))); },
		sendBinary(n) { send(sbuf.slice(0, n)); },
		detach() { dead = true; used = 0; stop(); },
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

// attach sets the socket's handlers through the helper, onopen, onerror
// and onclose being t.funcs[:3], and keeps what it returns. It reports
// false when there is no helper: Function throws EvalError on a page whose
// Content-Security-Policy forbids eval, and the caller then sets the
// handlers itself, with onMessageEvent's slower way.
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
	o := h.Invoke(safejs.Unsafe(t.js), t.onMessage, fastBufSize,
		safejs.Unsafe(t.funcs[0].Value()), safejs.Unsafe(t.funcs[1].Value()), safejs.Unsafe(t.funcs[2].Value()))
	t.rbuf, t.sbuf = o.Get("rbuf"), o.Get("sbuf")
	t.jsSendText, t.jsSendBin = o.Get("sendText"), o.Get("sendBinary")
	t.detach = o.Get("detach")
	t.fast = true
	return true
}

// deliver is onmessage's Go side. deliver(used) hands over the messages in
// rbuf[:used], each after its header; deliver(kind, n, bytes) one message
// that was too large for rbuf.
func (t *jsTransport) deliver(_ js.Value, args []js.Value) any {
	switch len(args) {
	case 1:
		// One allocation for them all: each message's Data is a slice of
		// it that cannot grow into the next.
		buf := make([]byte, args[0].Int())
		js.CopyBytesToGo(buf, t.rbuf)
		for len(buf) >= recHeader {
			typ := MessageType(buf[0])
			n := int(buf[1]) | int(buf[2])<<8 | int(buf[3])<<16 | int(buf[4])<<24
			buf = buf[recHeader:]
			if n > len(buf) {
				return nil // cannot happen: the helper wrote both
			}
			t.ws.emitMessage(typ, buf[:n:n])
			buf = buf[n:]
		}
	case 3:
		b := make([]byte, args[1].Int())
		js.CopyBytesToGo(b, args[2])
		t.ws.emitMessage(MessageType(args[0].Int()), b)
	}
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
		t.js.Call("send", jsString(s))
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
	t.js.Call("close", code, jsString(reason))
}

// jsString returns s for a JS call. syscall/js makes its JS strings with a
// TextDecoder that takes a leading U+FEFF for a byte order mark and drops
// it, where the browser's own strings keep it: a string that starts with
// one is decoded here with a TextDecoder that keeps it.
func jsString(s string) any {
	if len(s) < 3 || s[:3] != "\uFEFF" {
		return s
	}
	b, err := uint8Array.New(len(s))
	if err != nil {
		return s
	}
	safejs.CopyBytesToJS(b, unsafe.Slice(unsafe.StringData(s), len(s)))
	v, err := bomDecoder().Call("decode", b)
	if err != nil {
		return s
	}
	return v
}

// bomDecoder is a TextDecoder that keeps a leading U+FEFF.
var bomDecoder = sync.OnceValue(func() safejs.Value {
	c, _ := safejs.Global().Get("TextDecoder")
	d, _ := c.New("utf-8", map[string]any{"ignoreBOM": true})
	return d
})

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
}
