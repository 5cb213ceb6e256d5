//go:build js && wasm

package wsapi

import (
	_ "embed"
	"sync"
	"syscall/js"
	"unsafe"

	"github.com/hack-pad/safejs"
)

// fastBufSize is the size of the helper's receive buffer: messages that
// fit cross without a js.Value, larger ones with one.
const fastBufSize = 16 << 10

// recHeader is the size of a message's header in rbuf: its kind (1 text,
// 2 binary) and its length, uint32 little-endian.
const recHeader = 5

// jsFastPath makes the helper (messagehelper.js, the body of a function
// made with the Function constructor), which returns make, a function of
// (ws, deliver, size, onopen, onerror, onclose) that sets the socket's four
// handlers and returns rbuf, two sinks and detach. Its explanations are
// here, not in it: its text is in every browser build.
//
// Receiving: onmessage appends e.data to rbuf (UTF-8 for text) after a
// header of recHeader bytes and calls deliver(used), with the bytes of rbuf
// used; a message that does not fit goes on its own, as deliver(kind, n,
// bytes), after those before it. The first message since the helper's
// last task goes at once; a task posted after it (through after: the
// browser's scheduler.postTask, else Node's setImmediate, else a
// MessageChannel, whose port stop closes, as an open one keeps Node
// running) gathers those that come before it runs, after the sends of the
// handlers just run, into one call. A posted task costs about what a call
// into Go saves, so while the tasks find nothing to gather (one message in
// flight, each answered before the next comes) they are posted after ever
// fewer first messages (skip, backoff), down to one in maxSkip + 1; one
// that gathers a burst brings them back after every first message. onerror
// and onclose deliver what rbuf holds before they call their Go function,
// so that the order stays the browser's.
//
// Sending: a Sink is a Uint8Array that syscall/js's CopyBytesToJS(dst,
// src) hands its bytes to. CopyBytesToJS checks that dst is a Uint8Array,
// passes dst.set a view of src in Go's memory, as long as dst.length
// allows, and returns that length; a Sink is as long as any message, and
// its set sends what it is given, there and then. A message costs one call
// into JavaScript, with no js.Value and no copy in Go (a send function
// called after a copy into a buffer of the helper's cost two), and goes out
// at once, in order with every other: bufferedAmount and Close see it as
// the browser would. The browser's send copies the bytes before it
// returns; Node's (undici) keeps the view and reads its byteLength again
// when the write completes, which a view of Go's memory reads as 0 once
// that memory grew (growing detaches the old buffer), and bufferedAmount
// would never fall: there (keepsViews) the binary sink sends a copy. The
// probe is a sink that tells whether this runtime's CopyBytesToJS behaves
// so (wasm_exec.js comes with the Go release); where it does not, sendText
// calls send itself. None of the helper's functions throws: send only
// throws while CONNECTING, which Send checks first, and a throw would
// unwind through Go's frames.
var jsFastPath, _ = safejs.Global().Get("Function")

//go:embed messagehelper.js
var jsFastPathSource string

// fastPath is the helper's make, and whether its sinks work here.
type fastPath struct {
	make  js.Value
	sinks bool
}

// newFastPath returns the helper, made once; make is undefined when the
// page forbids making it.
var newFastPath = sync.OnceValue(func() (p fastPath) {
	p.make = js.Undefined()
	if jsFastPath.Type() != safejs.TypeFunction {
		return p
	}
	f, err := jsFastPath.New(jsFastPathSource)
	if err != nil {
		return p
	}
	h, err := f.Invoke()
	if err != nil {
		return p
	}
	p.make = safejs.Unsafe(h)
	defer func() { recover() }() // a CopyBytesToJS that refuses the probe: no sinks
	js.CopyBytesToJS(p.make.Get("probe"), []byte("ok"))
	p.sinks = p.make.Call("sinks", 2).Bool()
	return p
})

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
	p := newFastPath()
	h := p.make
	if h.Type() != js.TypeFunction {
		return false
	}
	t.onMessage = js.FuncOf(t.deliver)
	o := h.Invoke(safejs.Unsafe(t.js), t.onMessage, fastBufSize,
		safejs.Unsafe(t.funcs[0].Value()), safejs.Unsafe(t.funcs[1].Value()), safejs.Unsafe(t.funcs[2].Value()))
	t.rbuf = o.Get("rbuf")
	if p.sinks {
		t.textSink, t.binarySink = o.Get("textSink"), o.Get("binarySink")
		t.sinks = true
	}
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

// sendText and sendBinary hand the message to one of the helper's sinks
// (see jsFastPath): one call into JavaScript, in which the browser's send
// runs. Without the helper, or where CopyBytesToJS does not reach a sink,
// they call send themselves.
func (t *jsTransport) sendText(s string) {
	if t.sinks {
		// CopyBytesToJS only reads the string's bytes.
		js.CopyBytesToJS(t.textSink, unsafe.Slice(unsafe.StringData(s), len(s)))
		return
	}
	t.js.Call("send", jsString(s))
}

func (t *jsTransport) sendBinary(data []byte) {
	if t.sinks {
		js.CopyBytesToJS(t.binarySink, data)
		return
	}
	buf, err := uint8Array.New(len(data))
	if err != nil {
		return
	}
	safejs.CopyBytesToJS(buf, data)
	t.js.Call("send", buf)
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
