//go:build !js

// Package protocoltest is the protocol table: the intent of the Autobahn
// test suite's case families 1 to 7 (framing, pings and pongs, reserved
// bits, opcodes, fragmentation, UTF-8, closing), written anew as a Go table
// of raw frames, and the tester that plays a case against a peer and judges
// what the peer did.
//
// The same table runs both ways: against the server (the tester is a raw
// client, and masks its frames) and against the native wsapi client (the
// tester is a raw server). The peer under test is expected to echo every
// message, answer every ping, and fail the connection where RFC 6455 says
// it must. Each case states the strict outcome and, where there is one, an
// acceptable variant:
//
//   - PASS: the peer echoed and answered exactly as expected and answered
//     the tester's close (1000 unless the case sends its own);
//   - FAILED-CONNECTION c: the peer failed the connection, sending a close
//     frame with code c first ("no close frame" if it dropped TCP), after
//     the replies expected before the fault;
//   - NON-STRICT: the case's variant, which RFC 6455 allows or tolerates;
//     the case says why.
//
// Anything else is ACCEPTED (the peer went on where it had to fail), WRONG
// (say why) or HANG (the peer never ended the connection).
package protocoltest

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	ws "github.com/go-wsapi/wsapi/internal/wstest"
)

// Case is one test of the table.
type Case struct {
	// ID is family.group.number, as "1.1.3"; Title says what is sent.
	ID    string
	Title string
	Steps []Step
	// FailBy, in a case where the peer must fail fast, is the step that
	// must find the connection failed already: the steps before it hold
	// the fault and a pause.
	FailBy int
	Want   Expect
}

// Step is what the tester does in turn: write frames, then wait.
type Step struct {
	Frames []ws.Frame
	// Chop writes the frames in pieces of this many bytes, each its own
	// write, so that the peer sees frames and headers arrive in parts. 0
	// writes them at once.
	Chop int
	// Cut writes only the first frame's header and first Cut bytes of its
	// payload; the rest goes out with the next step.
	Cut int
	// Await waits until the peer has sent this many replies in all.
	Await int
	// Pause waits this long, or until the peer closes.
	Pause time.Duration
	// CloseWrite half-closes TCP (sends FIN) after the frames.
	CloseWrite bool
}

// Expect is what RFC 6455 asks of the peer.
type Expect struct {
	// Replies are the messages, pings and pongs the peer must send, in
	// order: all of them, or, where it must fail, those before the fault.
	Replies []Reply
	// Fail is the close code with which the peer must fail the
	// connection; 0 when it must not.
	Fail int
	// CloseReply lists the codes the peer may answer the tester's close
	// with. Defaults to 1000, the code of the tester's own close.
	CloseReply []int
	// NonStrict is the acceptable variant, if any.
	NonStrict *Variant
}

// Variant is an outcome that is not the strict one but is tolerated: Alter
// turns the case into the one that the variant passes.
type Variant struct {
	Why   string
	Alter func(*Case)
}

// Family returns the family number of the case's ID.
func (c Case) Family() string {
	f, _, _ := strings.Cut(c.ID, ".")
	return f
}

// Families names the families of the table, by number.
var Families = map[string]string{
	"1": "framing",
	"2": "pings and pongs",
	"3": "reserved bits",
	"4": "opcodes",
	"5": "fragmentation",
	"6": "UTF-8",
	"7": "close handling",
}

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

// Cases returns the table, in order of ID.
func Cases() []Case {
	var cs []Case
	for _, f := range []func() []Case{framing, pings, reservedBits, opcodes, fragmentation, utf8Cases, closing} {
		cs = append(cs, f()...)
	}
	return cs
}

// Family 1: messages of every size class, written at once or in pieces.
func framing() []Case {
	var cs []Case
	sizes := []int{0, 125, 126, 127, 128, 65535, 65536}
	for g, kind := range []string{"text", "binary"} {
		frame := func(n int) (ws.Frame, Reply) {
			if kind == "text" {
				return text(textOf(n)), echoText(textOf(n))
			}
			return binFrame(binaryOf(n)), echoBinary(binaryOf(n))
		}
		id := func(n int) string { return fmt.Sprintf("1.%d.%d", g+1, n) }
		for i, n := range sizes {
			f, r := frame(n)
			cs = append(cs, Case{ID: id(i + 1), Title: fmt.Sprintf("%s message of %d bytes", kind, n),
				Steps: []Step{send(f)}, Want: Expect{Replies: []Reply{r}}})
		}
		f, r := frame(65536)
		cs = append(cs, Case{ID: id(8), Title: kind + " message of 65536 bytes, written 997 bytes at a time",
			Steps: []Step{chop(997, f)}, Want: Expect{Replies: []Reply{r}}})
		f, r = frame(126)
		cs = append(cs, Case{ID: id(9), Title: kind + " message of 126 bytes, written a byte at a time (the 16-bit length in pieces)",
			Steps: []Step{chop(1, f)}, Want: Expect{Replies: []Reply{r}}})
		f, r = frame(65536)
		cs = append(cs, Case{ID: id(10), Title: kind + " message of 65536 bytes, written 3 bytes at a time (the 64-bit length in pieces)",
			Steps: []Step{chop(3, f)}, Want: Expect{Replies: []Reply{r}}})
	}
	var fs []ws.Frame
	var rs []Reply
	for i := range 10 {
		f, r := text(textOf(i*30)), echoText(textOf(i*30))
		if i%2 == 1 {
			f, r = binFrame(binaryOf(i*30)), echoBinary(binaryOf(i*30))
		}
		fs, rs = append(fs, f), append(rs, r)
	}
	cs = append(cs,
		Case{ID: "1.3.1", Title: "10 text and binary messages in one write",
			Steps: []Step{send(fs...)}, Want: Expect{Replies: rs}},
		Case{ID: "1.3.2", Title: "10 text and binary messages, a write each",
			Steps: func() []Step {
				var s []Step
				for _, f := range fs {
					s = append(s, send(f))
				}
				return s
			}(), Want: Expect{Replies: rs}},
	)
	return cs
}

// Family 2: pings and pongs.
func pings() []Case {
	bin := string([]byte{0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff})
	p125, p126 := textOf(125), textOf(126)
	var ten []ws.Frame
	var tenPongs []Reply
	for i := range 10 {
		s := fmt.Sprintf("ping %d", i)
		ten, tenPongs = append(ten, ping(s)), append(tenPongs, pongOf(s))
	}
	fail := Expect{Fail: 1002}
	return []Case{
		{ID: "2.1", Title: "ping without payload", Steps: []Step{send(ping(""))},
			Want: Expect{Replies: []Reply{pongOf("")}}},
		{ID: "2.2", Title: "ping with a short text payload", Steps: []Step{send(ping("Hello, world!"))},
			Want: Expect{Replies: []Reply{pongOf("Hello, world!")}}},
		{ID: "2.3", Title: "ping with a binary payload", Steps: []Step{send(ping(bin))},
			Want: Expect{Replies: []Reply{pongOf(bin)}}},
		{ID: "2.4", Title: "ping with 125 bytes, the most a control frame holds", Steps: []Step{send(ping(p125))},
			Want: Expect{Replies: []Reply{pongOf(p125)}}},
		{ID: "2.5", Title: "ping with 126 bytes", Steps: []Step{send(ping(p126))}, Want: fail},
		{ID: "2.6", Title: "ping with 125 bytes, written a byte at a time", Steps: []Step{chop(1, ping(p125))},
			Want: Expect{Replies: []Reply{pongOf(p125)}}},
		{ID: "2.7", Title: "unsolicited pong without payload", Steps: []Step{send(pong(""))}},
		{ID: "2.8", Title: "unsolicited pong with payload", Steps: []Step{send(pong("unsolicited"))}},
		{ID: "2.9", Title: "unsolicited pong, then a ping", Steps: []Step{send(pong("unsolicited"), ping("solicited"))},
			Want: Expect{Replies: []Reply{pongOf("solicited")}}},
		{ID: "2.10", Title: "10 pings in one write", Steps: []Step{send(ten...)},
			Want: Expect{Replies: tenPongs, NonStrict: lastPongOnly}},
		{ID: "2.11", Title: "10 pings, written a byte at a time", Steps: []Step{chop(1, ten...)},
			Want: Expect{Replies: tenPongs, NonStrict: lastPongOnly}},
		{ID: "2.12", Title: "ping with 65536 bytes (64-bit length)", Steps: []Step{send(ping(textOf(65536)))}, Want: fail},
	}
}

// Family 3: reserved bits, with no extension negotiated.
func reservedBits() []Case {
	echo := Expect{Replies: []Reply{echoText("small")}, Fail: 1002}
	racy := Expect{Replies: []Reply{echoText("small")}, Fail: 1002, NonStrict: echoLost}
	fail := Expect{Fail: 1002}
	return []Case{
		{ID: "3.1", Title: "text with RSV1", Steps: []Step{send(rsv(text("small"), wsframe.RSV1))}, Want: fail},
		{ID: "3.2", Title: "text (echoed), then text with RSV2, then a ping",
			Steps: []Step{sendAwait(1, text("small")), send(rsv(text("small"), wsframe.RSV2), ping(""))}, Want: echo},
		{ID: "3.3", Title: "text, text with RSV1 and RSV2, ping, in one write",
			Steps: []Step{send(text("small"), rsv(text("small"), wsframe.RSV1|wsframe.RSV2), ping(""))}, Want: racy},
		{ID: "3.4", Title: "text, text with RSV3, ping, written a byte at a time",
			Steps: []Step{chop(1, text("small"), rsv(text("small"), wsframe.RSV3), ping(""))}, Want: racy},
		{ID: "3.5", Title: "binary with RSV1 and RSV3", Steps: []Step{send(rsv(binFrame(binaryOf(8)), wsframe.RSV1|wsframe.RSV3))}, Want: fail},
		{ID: "3.6", Title: "ping with RSV2 and RSV3", Steps: []Step{send(rsv(ping("x"), wsframe.RSV2|wsframe.RSV3))}, Want: fail},
		{ID: "3.7", Title: "close with all three bits", Steps: []Step{send(rsv(closeFrame(closeCode(1000, "")), 7))}, Want: fail},
		{ID: "3.8", Title: "pong with RSV1", Steps: []Step{send(rsv(pong("x"), wsframe.RSV1))}, Want: fail},
		{ID: "3.9", Title: "continuation with RSV2 in a fragmented text",
			Steps: []Step{send(fr(wsframe.OpText, false, []byte("frag")), rsv(fr(wsframe.OpContinuation, true, []byte("ment")), wsframe.RSV2))}, Want: fail},
	}
}

// Family 4: reserved opcodes, data (3-7) and control (11-15).
func opcodes() []Case {
	var cs []Case
	for g, ops := range [][]byte{{3, 4, 5, 6, 7}, {11, 12, 13, 14, 15}} {
		for i, op := range ops {
			id := fmt.Sprintf("4.%d.%d", g+1, i+1)
			switch i {
			case 0:
				cs = append(cs, Case{ID: id, Title: fmt.Sprintf("opcode %d without payload", op),
					Steps: []Step{send(fr(op, true, nil))}, Want: Expect{Fail: 1002}})
			case 1:
				cs = append(cs, Case{ID: id, Title: fmt.Sprintf("opcode %d with payload", op),
					Steps: []Step{send(fr(op, true, []byte("reserved")))}, Want: Expect{Fail: 1002}})
			default:
				var p []byte
				if i%2 == 1 {
					p = []byte("reserved")
				}
				cs = append(cs, Case{ID: id, Title: fmt.Sprintf("text (echoed), then opcode %d (%d bytes), then a ping", op, len(p)),
					Steps: []Step{sendAwait(1, text("small")), send(fr(op, true, p), ping(""))},
					Want:  Expect{Replies: []Reply{echoText("small")}, Fail: 1002}})
			}
		}
	}
	return cs
}

// Family 5: fragmentation, and control frames among fragments.
func fragmentation() []Case {
	f1 := fr(wsframe.OpText, false, []byte("fragment1"))
	f2 := fr(wsframe.OpContinuation, true, []byte("fragment2"))
	whole := echoText("fragment1fragment2")
	p := ping("in between")
	contFin := fr(wsframe.OpContinuation, true, []byte("no start"))
	contMore := fr(wsframe.OpContinuation, false, []byte("no start"))
	after := text("after")
	fail := Expect{Fail: 1002}
	fivePart := func() []Step {
		parts := []string{"one ", "two ", "three ", "four ", "five"}
		var s []Step
		for i, part := range parts {
			op := byte(wsframe.OpContinuation)
			if i == 0 {
				op = wsframe.OpText
			}
			s = append(s, Step{Frames: []ws.Frame{fr(op, i == 4, []byte(part))}, Pause: gap})
			if i == 1 || i == 3 {
				s = append(s, Step{Frames: []ws.Frame{ping(fmt.Sprint("after part ", i+1))}, Pause: gap})
			}
		}
		return s
	}
	return []Case{
		{ID: "5.1", Title: "ping in two fragments",
			Steps: []Step{send(fr(wsframe.OpPing, false, []byte("frag")), fr(wsframe.OpContinuation, true, []byte("mented")))}, Want: fail},
		{ID: "5.2", Title: "pong in two fragments",
			Steps: []Step{send(fr(wsframe.OpPong, false, []byte("frag")), fr(wsframe.OpContinuation, true, []byte("mented")))}, Want: fail},
		{ID: "5.3", Title: "text in two fragments", Steps: []Step{send(f1, f2)},
			Want: Expect{Replies: []Reply{whole}}},
		{ID: "5.4", Title: "text in two fragments, with a pause between",
			Steps: []Step{{Frames: []ws.Frame{f1}, Pause: gap}, send(f2)}, Want: Expect{Replies: []Reply{whole}}},
		{ID: "5.5", Title: "text in two fragments, written a byte at a time",
			Steps: []Step{chop(1, f1, f2)}, Want: Expect{Replies: []Reply{whole}}},
		{ID: "5.6", Title: "text in two fragments, a ping between", Steps: []Step{send(f1, p, f2)},
			Want: Expect{Replies: []Reply{pongOf("in between"), whole}}},
		{ID: "5.7", Title: "text in two fragments, a ping between, written a byte at a time",
			Steps: []Step{chop(1, f1, p, f2)}, Want: Expect{Replies: []Reply{pongOf("in between"), whole}}},
		{ID: "5.8", Title: "text in two fragments, a ping between, with pauses",
			Steps: []Step{{Frames: []ws.Frame{f1}, Pause: gap}, {Frames: []ws.Frame{p}, Pause: gap}, send(f2)},
			Want:  Expect{Replies: []Reply{pongOf("in between"), whole}}},
		{ID: "5.9", Title: "continuation (FIN) with nothing to continue, then text", Steps: []Step{send(contFin, after)}, Want: fail},
		{ID: "5.10", Title: "continuation (FIN) with nothing to continue, then text, with a pause",
			Steps: []Step{{Frames: []ws.Frame{contFin}, Pause: gap}, send(after)}, Want: fail},
		{ID: "5.11", Title: "continuation (FIN) with nothing to continue, then text, a byte at a time",
			Steps: []Step{chop(1, contFin, after)}, Want: fail},
		{ID: "5.12", Title: "continuation (no FIN) with nothing to continue, then text", Steps: []Step{send(contMore, after)}, Want: fail},
		{ID: "5.13", Title: "continuation (no FIN) with nothing to continue, then text, with a pause",
			Steps: []Step{{Frames: []ws.Frame{contMore}, Pause: gap}, send(after)}, Want: fail},
		{ID: "5.14", Title: "continuation (no FIN) with nothing to continue, then text, a byte at a time",
			Steps: []Step{chop(1, contMore, after)}, Want: fail},
		{ID: "5.15", Title: "text in two fragments (echoed), then a continuation with nothing to continue, then text",
			Steps: []Step{sendAwait(1, f1, f2), send(contMore, after)},
			Want:  Expect{Replies: []Reply{whole}, Fail: 1002}},
		{ID: "5.16", Title: "continuation (no FIN) with nothing to continue, then text in two fragments",
			Steps: []Step{send(contMore, f1, f2)}, Want: fail},
		{ID: "5.17", Title: "continuation (FIN) with nothing to continue, then text in two fragments",
			Steps: []Step{send(contFin, f1, f2)}, Want: fail},
		{ID: "5.18", Title: "text fragment, then a new text frame before the first is finished",
			Steps: []Step{send(f1, text("fragment2"))}, Want: fail},
		{ID: "5.19", Title: "text in five fragments with pauses, a ping after the 2nd and the 4th",
			Steps: fivePart(),
			Want:  Expect{Replies: []Reply{pongOf("after part 2"), pongOf("after part 4"), echoText("one two three four five")}}},
		{ID: "5.20", Title: "binary in three fragments, an unsolicited pong between",
			Steps: []Step{send(fr(wsframe.OpBinary, false, []byte{1, 2}), pong("between"), fr(wsframe.OpContinuation, false, []byte{3}), fr(wsframe.OpContinuation, true, []byte{4, 5}))},
			Want:  Expect{Replies: []Reply{echoBinary([]byte{1, 2, 3, 4, 5})}}},
		{ID: "5.21", Title: "binary fragment, then a text frame before the binary is finished",
			Steps: []Step{send(fr(wsframe.OpBinary, false, []byte{1, 2}), text("text"))}, Want: fail},
		{ID: "5.22", Title: "text fragment, then a fragmented ping inside it",
			Steps: []Step{send(f1, fr(wsframe.OpPing, false, []byte("frag")), fr(wsframe.OpContinuation, true, []byte("mented")))}, Want: fail},
	}
}

// Valid and invalid UTF-8, byte by byte. These are the classic classes of
// decoder traps (RFC 3629 section 3 and 10), written out here.
var (
	validUTF8 = []struct{ name, s string }{
		{"U+0000", "\x00"},
		{"U+007F, the last 1-byte", "\x7f"},
		{"U+0080, the first 2-byte", "\xc2\x80"},
		{"U+07FF, the last 2-byte", "\xdf\xbf"},
		{"U+0800, the first 3-byte", "\xe0\xa0\x80"},
		{"U+D7FF, before the surrogates", "\xed\x9f\xbf"},
		{"U+E000, after the surrogates", "\xee\x80\x80"},
		{"U+FDD0, a noncharacter", "\xef\xb7\x90"},
		{"U+FFFD, the replacement character", "\xef\xbf\xbd"},
		{"U+FFFE, a noncharacter", "\xef\xbf\xbe"},
		{"U+FFFF, the last 3-byte", "\xef\xbf\xbf"},
		{"U+10000, the first 4-byte", "\xf0\x90\x80\x80"},
		{"U+1F600, an emoji", "\xf0\x9f\x98\x80"},
		{"U+1FFFF, a noncharacter", "\xf0\x9f\xbf\xbf"},
		{"U+10FFFF, the last code point", "\xf4\x8f\xbf\xbf"},
		{"a byte order mark first", "\xef\xbb\xbfBOM"},
		{"a byte order mark inside", "a\xef\xbb\xbfb"},
		{"Greek", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"},
	}
	invalidUTF8 = []struct{ name, s string }{
		{"a 5-byte form", "\xf8\x88\x80\x80\x80"},
		{"a 6-byte form", "\xfc\x84\x80\x80\x80\x80"},
		{"U+110000, past the last code point", "\xf4\x90\x80\x80"},
		{"U+1FFFFF in 4 bytes", "\xf7\xbf\xbf\xbf"},
		{"lead byte F5", "\xf5\x80\x80\x80"},
		{"a lone continuation byte 80", "\x80"},
		{"a lone continuation byte BF", "\xbf"},
		{"three continuation bytes", "\x80\xbf\x80"},
		{"a 2-byte lead, then a space", "\xc2 "},
		{"a 3-byte lead, then a space", "\xe0 "},
		{"a 4-byte lead, then a space", "\xf0 "},
		{"a 2-byte sequence cut at the end", "ab\xc2"},
		{"a 3-byte sequence cut at the end", "ab\xe0\xa0"},
		{"a 4-byte sequence cut at the end", "ab\xf0\x90\x80"},
		{"a 3-byte sequence cut before ASCII", "\xe0\xa0a"},
		{"byte FE", "\xfe"},
		{"byte FF", "\xff"},
		{"FE FE FF FF", "\xfe\xfe\xff\xff"},
		{"'/' overlong in 2 bytes", "\xc0\xaf"},
		{"'/' overlong in 3 bytes", "\xe0\x80\xaf"},
		{"'/' overlong in 4 bytes", "\xf0\x80\x80\xaf"},
		{"NUL overlong in 2 bytes", "\xc0\x80"},
		{"NUL overlong in 3 bytes", "\xe0\x80\x80"},
		{"the largest overlong 2-byte", "\xc1\xbf"},
		{"the largest overlong 3-byte", "\xe0\x9f\xbf"},
		{"the largest overlong 4-byte", "\xf0\x8f\xbf\xbf"},
		{"U+D800, a high surrogate", "\xed\xa0\x80"},
		{"U+DFFF, a low surrogate", "\xed\xbf\xbf"},
		{"a surrogate pair in 6 bytes", "\xed\xa0\x80\xed\xb0\x80"},
		{"valid text, then a surrogate", "abc\xed\xa0\x80def"},
	}
)

// Family 6: UTF-8 in text messages, whole and in fragments.
func utf8Cases() []Case {
	const (
		greek  = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
		latin  = "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"
		broken = greek + "\xed\xa0\x80edited" // a surrogate inside
	)
	tooBig := "\xf4\x90\x80\x80"
	failFast := func(id, title string, steps []Step) Case {
		return Case{ID: id, Title: title, Steps: steps, FailBy: len(steps) - 1,
			Want: Expect{Fail: 1007, NonStrict: failLate}}
	}
	fail := Expect{Fail: 1007}
	cs := []Case{
		{ID: "6.1.1", Title: "empty text", Steps: []Step{send(text(""))}, Want: Expect{Replies: []Reply{echoText("")}}},
		{ID: "6.1.2", Title: "empty text in three empty fragments",
			Steps: []Step{send(fr(wsframe.OpText, false, nil), fr(wsframe.OpContinuation, false, nil), fr(wsframe.OpContinuation, true, nil))},
			Want:  Expect{Replies: []Reply{echoText("")}}},
		{ID: "6.1.3", Title: "text in fragments, empty ones first and last",
			Steps: []Step{send(fr(wsframe.OpText, false, nil), fr(wsframe.OpContinuation, false, []byte("middle")), fr(wsframe.OpContinuation, true, nil))},
			Want:  Expect{Replies: []Reply{echoText("middle")}}},
		{ID: "6.2.1", Title: "valid UTF-8 (Latin)", Steps: []Step{send(text(latin))}, Want: Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.2", Title: "valid UTF-8 in two fragments, split between code points",
			Steps: []Step{send(fr(wsframe.OpText, false, []byte(latin[:8])), fr(wsframe.OpContinuation, true, []byte(latin[8:])))},
			Want:  Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.3", Title: "valid UTF-8 (Latin) in fragments of 1 byte, split inside code points",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(latin), 1)...)}, Want: Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.4", Title: "valid UTF-8 (Greek) in fragments of 1 byte",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(greek), 1)...)}, Want: Expect{Replies: []Reply{echoText(greek)}}},
		{ID: "6.3.1", Title: "invalid UTF-8 (a surrogate inside Greek)", Steps: []Step{send(text(broken))}, Want: fail},
		{ID: "6.3.2", Title: "invalid UTF-8 (a surrogate inside Greek) in fragments of 1 byte",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(broken), 1)...)}, Want: fail},
		failFast("6.4.1", "fail fast: valid fragment, then a fragment past U+10FFFF, a pause, then the rest",
			[]Step{send(fr(wsframe.OpText, false, []byte(greek))), {Frames: []ws.Frame{fr(wsframe.OpContinuation, false, []byte(tooBig))}, Pause: failTime},
				send(fr(wsframe.OpContinuation, true, []byte("edited")))}),
		failFast("6.4.2", "fail fast: the bad sequence split across two fragments, a pause, then the rest",
			[]Step{send(fr(wsframe.OpText, false, []byte(greek+tooBig[:1]))), {Frames: []ws.Frame{fr(wsframe.OpContinuation, false, []byte(tooBig[1:]))}, Pause: failTime},
				send(fr(wsframe.OpContinuation, true, []byte("edited")))}),
		failFast("6.4.3", "fail fast inside one frame: the frame up to the bad sequence, a pause, then the rest",
			[]Step{{Frames: []ws.Frame{text(greek + tooBig + "edited")}, Cut: len(greek) + len(tooBig), Pause: failTime}, {}}),
		failFast("6.4.4", "fail fast inside one frame: cut inside the bad sequence, after its bad byte",
			[]Step{{Frames: []ws.Frame{text(greek + tooBig + "edited")}, Cut: len(greek) + 2, Pause: failTime}, {}}),
	}
	group := func(g int, list []struct{ name, s string }, valid, split bool) {
		n := 0
		for _, u := range list {
			if split && len(u.s) < 2 {
				continue // one byte: the same as whole
			}
			n++
			c := Case{ID: fmt.Sprintf("6.%d.%d", g, n), Title: u.name}
			if split {
				c.Title += ", in fragments of 1 byte"
				c.Steps = []Step{send(fragments(wsframe.OpText, []byte(u.s), 1)...)}
			} else {
				c.Steps = []Step{send(text(u.s))}
			}
			if valid {
				c.Want = Expect{Replies: []Reply{echoText(u.s)}}
			} else {
				c.Title = "invalid: " + c.Title
				c.Want = fail
			}
			cs = append(cs, c)
		}
	}
	group(5, validUTF8, true, false)
	group(6, validUTF8, true, true)
	group(7, invalidUTF8, false, false)
	group(8, invalidUTF8, false, true)
	return cs
}

// Family 7: the closing handshake, close payloads and close codes.
func closing() []Case {
	c1000 := closeFrame(closeCode(1000, ""))
	fail := Expect{Fail: 1002}
	cs := []Case{
		{ID: "7.1.1", Title: "text (echoed), then close", Steps: []Step{sendAwait(1, text("Hello")), send(c1000)},
			Want: Expect{Replies: []Reply{echoText("Hello")}}},
		{ID: "7.1.2", Title: "close, then a second close", Steps: []Step{send(c1000, c1000)}},
		{ID: "7.1.3", Title: "close, then a ping: no pong", Steps: []Step{send(c1000, ping("after close"))}},
		{ID: "7.1.4", Title: "close, then text: no echo", Steps: []Step{send(c1000, text("after close"))}},
		{ID: "7.1.5", Title: "text fragment, close, then the rest: no echo",
			Steps: []Step{send(fr(wsframe.OpText, false, []byte("fragment1")), c1000, fr(wsframe.OpContinuation, true, []byte("fragment2")))}},
		{ID: "7.1.6", Title: "close, then TCP FIN at once", Steps: []Step{{Frames: []ws.Frame{c1000}, CloseWrite: true}}},
		{ID: "7.3.1", Title: "close with no payload", Steps: []Step{send(closeFrame([]byte{}))},
			Want: Expect{CloseReply: []int{wsframe.NoStatus, 1000}}},
		{ID: "7.3.2", Title: "close with a 1-byte payload", Steps: []Step{send(closeFrame([]byte{0x03}))}, Want: fail},
		{ID: "7.3.3", Title: "close 1000 without a reason", Steps: []Step{send(c1000)}},
		{ID: "7.3.4", Title: "close 1000 with a reason", Steps: []Step{send(closeFrame(closeCode(1000, "Hello World!")))}},
		{ID: "7.3.5", Title: "close 1000 with a reason of 123 bytes (a payload of 125)",
			Steps: []Step{send(closeFrame(closeCode(1000, textOf(123))))}},
		{ID: "7.3.6", Title: "close 1000 with a reason of 124 bytes (a payload of 126)",
			Steps: []Step{send(closeFrame(closeCode(1000, textOf(124))))}, Want: fail},
		{ID: "7.5.1", Title: "close 1000 with a reason that is not UTF-8",
			Steps: []Step{send(closeFrame(closeCode(1000, "bad \xce\xba\xed\xa0\x80 reason")))}, Want: Expect{Fail: 1007}},
	}
	for i, code := range []int{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		cs = append(cs, Case{ID: fmt.Sprintf("7.7.%d", i+1), Title: fmt.Sprintf("close with the valid code %d", code),
			Steps: []Step{send(closeFrame(closeCode(code, "")))},
			Want:  Expect{CloseReply: []int{code}, NonStrict: reply1000}})
	}
	for i, code := range []int{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		cs = append(cs, Case{ID: fmt.Sprintf("7.9.%d", i+1), Title: fmt.Sprintf("close with the invalid code %d", code),
			Steps: []Step{send(closeFrame(closeCode(code, "")))}, Want: fail})
	}
	return cs
}
