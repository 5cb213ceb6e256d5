//go:build js && wasm

package wsapi

import (
	_ "embed"
	"sync"
	"syscall/js"
	"unsafe"

	"github.com/hack-pad/safejs"
)

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

//go:embed messagehelper.js
var jsFastPathSource string

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
