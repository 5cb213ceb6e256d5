//go:build !js

package protocoltest

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	ws "github.com/go-wsapi/wsapi/internal/wstest"
)

// Frame builders. Frames are written unmasked here; the tester masks them
// when it plays the client.

func fr(op byte, fin bool, p []byte) ws.Frame { return ws.Frame{Fin: fin, Op: op, Payload: p} }
func text(s string) ws.Frame                  { return fr(wsframe.OpText, true, []byte(s)) }
func binFrame(b []byte) ws.Frame              { return fr(wsframe.OpBinary, true, b) }
func ping(s string) ws.Frame                  { return fr(wsframe.OpPing, true, []byte(s)) }
func pong(s string) ws.Frame                  { return fr(wsframe.OpPong, true, []byte(s)) }
func closeFrame(p []byte) ws.Frame            { return fr(wsframe.OpClose, true, p) }
func rsv(f ws.Frame, bits byte) ws.Frame      { f.RSV = bits; return f }

// closeCode is a close payload with code, whatever the code, and reason.
func closeCode(code int, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

func send(f ...ws.Frame) Step             { return Step{Frames: f} }
func chop(n int, f ...ws.Frame) Step      { return Step{Frames: f, Chop: n} }
func sendAwait(n int, f ...ws.Frame) Step { return Step{Frames: f, Await: n} }

func echoText(s string) Reply   { return Reply{Kind: "text", Data: []byte(s)} }
func echoBinary(b []byte) Reply { return Reply{Kind: "binary", Data: b} }
func pongOf(s string) Reply     { return Reply{Kind: "pong", Data: []byte(s)} }

// fragments splits p into frames of n bytes: op first, continuations after,
// FIN on the last. An empty p gives one empty frame.
func fragments(op byte, p []byte, n int) []ws.Frame {
	var fs []ws.Frame
	for first := true; first || len(p) > 0; first = false {
		k := min(n, len(p))
		o := byte(wsframe.OpContinuation)
		if first {
			o = op
		}
		fs = append(fs, fr(o, len(p) == k, p[:k]))
		p = p[k:]
	}
	return fs
}

// textOf is n bytes of ASCII text; binaryOf n bytes that cover every value.
func textOf(n int) string {
	const s = "Hello, WebSocket! "
	return strings.Repeat(s, n/len(s)+1)[:n]
}

func binaryOf(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

// Short pauses. They stand for a slow network between frames; a fail-fast
// pause is the time the peer has to fail before the rest is sent.
const (
	gap      = 20 * time.Millisecond
	failTime = 300 * time.Millisecond
)

// Variants that several cases share.
var (
	lastPongOnly = &Variant{
		Why: "RFC 6455 section 5.5.3 lets a peer answer only the last of several pings it has not answered yet",
		Alter: func(c *Case) {
			c.Want.Replies = c.Want.Replies[len(c.Want.Replies)-1:]
		},
	}
	echoLost = &Variant{
		Why: "the message and the fault arrive together: the peer may fail the connection before its echo is out",
		Alter: func(c *Case) {
			c.Want.Replies = nil
		},
	}
	failLate = &Variant{
		Why: "the peer fails the connection at the end of the message, not as soon as the bad byte arrives (Autobahn's fail-fast)",
		Alter: func(c *Case) {
			c.FailBy = 0
		},
	}
	reply1000 = &Variant{
		Why: "the peer answered the close with 1000 rather than echoing the code; RFC 6455 section 5.5.1 only says it typically echoes",
		Alter: func(c *Case) {
			c.Want.CloseReply = []int{1000}
		},
	}
)
