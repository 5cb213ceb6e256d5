//go:build !js

package scenario

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// The endpoints of this file misbehave on purpose, each in one way a
// browser has an answer for: frames a server must not send, a TCP reset, a
// redirect, a close reply that differs from the close, a peer that never
// answers or never reads.

// frameSpec is one frame of /send, parsed from an f parameter:
//
//	[MODIFIER ...] OPCODE[:PAYLOAD | *N]
//
// Modifiers, separated by spaces ("+" in a URL): masked, nofin, rsv1, rsv2,
// rsv3. OPCODE is text, binary, cont, close, ping, pong or a number 0-15.
// PAYLOAD is the bytes as written (the query is unescaped, so %FF is the
// byte 0xFF), or 0xHEX; for close it is CODE or CODE:REASON instead, the
// code in two bytes on the wire whatever its value. *N is N bytes "x".
type frameSpec struct {
	first   byte // FIN, RSV bits and opcode, as on the wire
	masked  bool
	payload []byte
}

var opcodeNames = map[string]byte{
	"cont": wsframe.OpContinuation, "text": wsframe.OpText, "binary": wsframe.OpBinary,
	"close": wsframe.OpClose, "ping": wsframe.OpPing, "pong": wsframe.OpPong,
}

var modifierBits = map[string]byte{"nofin": 0x80, "rsv1": 0x40, "rsv2": 0x20, "rsv3": 0x10}

func parseFrameSpec(s string) (frameSpec, error) {
	f := frameSpec{first: 0x80}
	words := strings.Fields(s)
	if len(words) == 0 {
		return f, fmt.Errorf("empty frame")
	}
	for _, m := range words[:len(words)-1] {
		switch bit, ok := modifierBits[m]; {
		case m == "masked":
			f.masked = true
		case ok:
			f.first ^= bit
		default:
			return f, fmt.Errorf("unknown modifier %q", m)
		}
	}
	op, arg, hasArg := strings.Cut(words[len(words)-1], ":")
	op, count, hasCount := strings.Cut(op, "*")
	code, ok := opcodeNames[op]
	if !ok {
		n, err := strconv.ParseUint(op, 10, 4)
		if err != nil {
			return f, fmt.Errorf("unknown opcode %q", op)
		}
		code = byte(n)
	}
	f.first |= code
	switch {
	case hasCount:
		n, err := strconv.Atoi(count)
		if err != nil || n < 0 || n > 1<<20 || hasArg {
			return f, fmt.Errorf("bad length %q", count)
		}
		f.payload = []byte(strings.Repeat("x", n))
	case strings.HasPrefix(arg, "0x"):
		p, err := hex.DecodeString(arg[2:])
		if err != nil {
			return f, fmt.Errorf("bad hex %q", arg)
		}
		f.payload = p
	case code == wsframe.OpClose && hasArg:
		c, reason, _ := strings.Cut(arg, ":")
		n, err := strconv.ParseUint(c, 10, 16)
		if err != nil {
			return f, fmt.Errorf("bad close code %q", c)
		}
		f.payload = append(binary.BigEndian.AppendUint16(nil, uint16(n)), reason...)
	default:
		f.payload = []byte(arg)
	}
	return f, nil
}

// sendFrames is /send?f=FRAME&f=FRAME...: the frames, in one write, right after
// the handshake; then it reads as /pick does, echoing the client's close
// frame unless one of the frames was a close frame.
func (ss *session) sendFrames(w http.ResponseWriter, r *http.Request) {
	var out []byte
	sentClose := false
	for _, s := range r.URL.Query()["f"] {
		f, err := parseFrameSpec(s)
		if err != nil {
			ss.refuseBad(w, fmt.Sprintf("frame %q: %v", s, err))
			return
		}
		out = wstest.Raw(f.first, f.masked, f.payload).Append(out)
		sentClose = sentClose || f.first&0x0F == wsframe.OpClose
	}
	_, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	brw.Write(out)
	if err := brw.Flush(); err != nil {
		ss.logf("send: %v", err)
	}
	ss.readUntilClose(brw.Reader, brw.Writer, !sentClose)
}

// reset is /reset: it waits for the client's first message, then resets
// the connection (SO_LINGER 0) without a close frame.
func (ss *session) reset(w http.ResponseWriter, r *http.Request) {
	conn, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	h, n, err := wstest.ReadHeader(brw.Reader)
	if err == nil {
		err = checkFrame(h, n)
	}
	if err == nil {
		_, err = io.CopyN(io.Discard, brw.Reader, int64(n))
	}
	if err != nil {
		ss.logf("reset: %v", err)
		ss.record("gone")
		return
	}
	ss.record("recv %s %d", map[byte]string{wsframe.OpText: "text", wsframe.OpBinary: "binary"}[h.Op], n)
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
	ss.record("reset")
}

// redirect is /redirect?to=/echo: a 302 to that path of this server, with
// the same query but for to, so that a client that follows it is recorded
// under the same id.
func (ss *session) redirect(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	to := q.Get("to")
	if !strings.HasPrefix(to, "/") {
		ss.refuseBad(w, fmt.Sprintf("bad to %q (want a path)", to))
		return
	}
	q.Del("to")
	target := url.URL{Scheme: "http", Host: r.Host, Path: to, RawQuery: q.Encode()}
	http.Redirect(w, r, target.String(), http.StatusFound)
	ss.record("redirect %d", http.StatusFound)
}

// flood is /flood?reason=server: text messages "flood 1", "flood 2"... (at
// most maxPush) until the client's close frame arrives, then a close frame
// with the client's code and this reason; a client that closes while
// messages are in flight must report the server's reason.
func (ss *session) flood(w http.ResponseWriter, r *http.Request) {
	reason := r.URL.Query().Get("reason")
	_, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	var mu sync.Mutex // over brw.Writer
	stop := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for i := 1; i <= maxPush; i++ {
			select {
			case <-stop:
				return
			default:
			}
			mu.Lock()
			err := writeFrame(brw.Writer, wsframe.OpText, fmt.Appendf(nil, "flood %d", i))
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	send := func(opcode byte, p []byte) error {
		mu.Lock()
		defer mu.Unlock()
		return writeFrame(brw.Writer, opcode, p)
	}
	p, ok := ss.readClientClose(brw.Reader, send)
	close(stop)
	<-stopped
	if !ok {
		return
	}
	code := uint16(1005)
	if len(p) >= 2 {
		code = binary.BigEndian.Uint16(p)
	}
	// The handler returning then closes TCP, as the server of a finished
	// closing handshake should.
	if err := send(wsframe.OpClose, closePayload(code, reason)); err != nil {
		ss.logf("flood close: %v", err)
	}
}

// hold is /hold: it reads and records what the client sends, but never
// answers its close frame, until the client closes TCP (recorded as eof).
func (ss *session) hold(w http.ResponseWriter, r *http.Request) {
	_, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	send := func(opcode byte, p []byte) error { return writeFrame(brw.Writer, opcode, p) }
	if _, ok := ss.readClientClose(brw.Reader, send); ok {
		ss.drain(brw.Reader)
	}
}

// stall is /stall?ms=2000: it reads nothing at all for that long (default
// 2000 ms), so that a client's writes block, then discards what comes until
// the client closes TCP (recorded as eof).
func (ss *session) stall(w http.ResponseWriter, r *http.Request) {
	ms := 2000
	if s := r.URL.Query().Get("ms"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > int(maxLife/time.Millisecond) {
			ss.refuseBad(w, fmt.Sprintf("bad ms %q", s))
			return
		}
		ms = n
	}
	_, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ss.ctx.Done():
		return
	}
	ss.drain(brw.Reader)
}

// drain discards what the client sends until it closes TCP, and records eof
// then; an error (a reset, the handler's deadline) is recorded as gone.
func (ss *session) drain(r io.Reader) {
	if _, err := io.Copy(io.Discard, r); err != nil {
		ss.logf("drain: %v", err)
		ss.record("gone")
		return
	}
	ss.record("eof")
}
