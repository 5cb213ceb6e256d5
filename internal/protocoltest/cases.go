//go:build !js

package protocoltest

import (
	"fmt"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	ws "github.com/go-wsapi/wsapi/internal/wstest"
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
