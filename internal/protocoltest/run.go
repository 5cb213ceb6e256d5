//go:build !js

package protocoltest

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// Role is the side the tester plays. It decides whether the tester's
// frames are masked (a client's must be, a server's must not) and which
// masking it expects of the peer's.
type Role int

const (
	// AsClient: the tester is the client, the peer under test a server.
	AsClient Role = iota
	// AsServer: the tester is the server, the peer under test a client.
	AsServer
)

// Timeouts of a run. Each wait ends on its own; a peer that behaves ends
// every one of them early, so they cost nothing in a passing run.
const (
	// WaitReply bounds the wait for an expected reply, for the peer to
	// fail the connection, and for its close frame.
	WaitReply = 2 * time.Second
	// WaitEOF bounds the wait for the peer to close TCP once the close
	// frames are exchanged.
	WaitEOF = 2 * time.Second
	// CaseTimeout bounds a whole run: a run that reaches it is a hang.
	CaseTimeout = 8 * time.Second
)

// maxFrame bounds what the tester reads of one frame from the peer.
const maxFrame = 1 << 20

// Observation is what the tester saw of the peer.
type Observation struct {
	// Replies are the peer's messages (reassembled), pings and pongs
	// before its close frame, in order.
	Replies []Reply
	// Close is the peer's close frame, if any. CloseFirst says whether the
	// peer sent it before the tester sent one (it failed or closed the
	// connection) rather than in answer to the tester's.
	Close      *CloseFrame
	CloseFirst bool
	// Dropped: the peer closed TCP before it sent a close frame, and
	// before the tester sent one.
	Dropped bool
	// After is what the peer sent after its close frame: nothing is
	// allowed there.
	After []Reply
	// Faults are the peer's frames that break RFC 6455 for its role
	// (masking, reserved bits or opcodes, fragmentation) or could not be
	// read.
	Faults []string
	// FailFast is set for a case with FailBy: whether the peer had closed
	// before that step was to be sent.
	FailFast *bool
	// EOF: the peer closed TCP (or reset it).
	EOF bool
	// ServerClosed: the tester, playing the server, closed TCP once the
	// close frames were exchanged, as RFC 6455 section 7.1.1 has the server
	// do; whether the client had closed TCP already is not recorded.
	ServerClosed bool
	// Hang: the run reached CaseTimeout.
	Hang bool
}

// Reply is a message or control frame from the peer. Kind is text, binary,
// ping, pong or close.
type Reply struct {
	Kind string
	Data []byte
	sum  string // the Digest of Data, which alone is known when parsed
}

// CloseFrame is the peer's close frame.
type CloseFrame struct {
	Code   int // wsframe.NoStatus for an empty payload
	Reason string
	Bad    bool // a payload of 1 byte, which cannot hold a code
}

func (r Reply) String() string { return r.Kind + " " + r.digest() }

func (r Reply) digest() string {
	if r.sum != "" {
		return r.sum
	}
	return Digest(r.Data)
}

// Digest is a short and exact stand-in for a payload: its length and its
// FNV-1a hash, as "5 4f9f2cab". testdata/js/protocol.html in package wsapi
// computes the same.
func Digest(b []byte) string {
	h := fnv.New32a()
	h.Write(b)
	return fmt.Sprintf("%d %08x", len(b), h.Sum32())
}

// sameReplies compares replies by kind and digest, so that an observation
// made here compares with one parsed from lines.
func sameReplies(a, b []Reply) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].String() != b[i].String() {
			return false
		}
	}
	return true
}

// Lines renders o as a trace, one fact a line. The reason of a close frame
// that fails the connection is left out, as its wording is the
// implementation's own; the reason of any other close that answers the
// tester's is kept, as a peer typically echoes it.
func (o Observation) Lines() []string {
	var l []string
	for _, r := range o.Replies {
		l = append(l, "recv "+r.String())
	}
	if c := o.Close; c != nil {
		switch {
		case c.Bad:
			l = append(l, "recv bad close (1 byte)")
		case o.CloseFirst:
			l = append(l, "recv close "+strconv.Itoa(c.Code))
		case failureCodes[c.Code]:
			l = append(l, "recv close-reply "+strconv.Itoa(c.Code))
		default:
			l = append(l, "recv close-reply "+strconv.Itoa(c.Code)+" "+jsonString(c.Reason))
		}
	}
	if o.Dropped {
		l = append(l, "dropped")
	}
	for _, r := range o.After {
		l = append(l, "recv after close "+r.String())
	}
	for _, f := range o.Faults {
		l = append(l, "fault "+f)
	}
	if o.FailFast != nil {
		l = append(l, map[bool]string{true: "failed fast", false: "failed late"}[*o.FailFast])
	}
	switch {
	case o.Hang:
		l = append(l, "hang")
	case o.ServerClosed:
		l = append(l, "server closed TCP")
	case o.EOF:
		l = append(l, "eof")
	default:
		l = append(l, "no eof")
	}
	return l
}

// failureCodes are the codes of a close that fails the connection; the
// reason that comes with them is the implementation's own wording.
var failureCodes = map[int]bool{1002: true, 1007: true, 1009: true, 1011: true}

// jsonString quotes s as JavaScript's JSON.stringify does.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// ParseLines is the inverse of Lines, for traces recorded elsewhere.
// Payloads come back as their digests.
func ParseLines(lines []string) (Observation, error) {
	var o Observation
	reply := func(s string) (Reply, error) {
		kind, d, ok := strings.Cut(s, " ")
		if !ok || len(strings.Fields(d)) != 2 {
			return Reply{}, fmt.Errorf("bad reply %q", s)
		}
		return Reply{Kind: kind, sum: d}, nil
	}
	for _, line := range lines {
		var err error
		switch {
		case strings.HasPrefix(line, "recv after close "):
			var r Reply
			r, err = reply(strings.TrimPrefix(line, "recv after close "))
			o.After = append(o.After, r)
		case line == "recv bad close (1 byte)":
			o.Close, o.CloseFirst = &CloseFrame{Bad: true}, true
		case strings.HasPrefix(line, "recv close-reply "):
			code, reason, hasReason := strings.Cut(strings.TrimPrefix(line, "recv close-reply "), " ")
			o.Close = &CloseFrame{}
			if o.Close.Code, err = strconv.Atoi(code); err == nil && hasReason {
				err = json.Unmarshal([]byte(reason), &o.Close.Reason)
			}
		case strings.HasPrefix(line, "recv close "):
			o.Close, o.CloseFirst = &CloseFrame{}, true
			o.Close.Code, err = strconv.Atoi(strings.TrimPrefix(line, "recv close "))
		case strings.HasPrefix(line, "recv "):
			var r Reply
			r, err = reply(strings.TrimPrefix(line, "recv "))
			o.Replies = append(o.Replies, r)
		case line == "dropped":
			o.Dropped = true
		case strings.HasPrefix(line, "fault "):
			o.Faults = append(o.Faults, strings.TrimPrefix(line, "fault "))
		case line == "failed fast", line == "failed late":
			fast := line == "failed fast"
			o.FailFast = &fast
		case line == "hang":
			o.Hang = true
		case line == "eof":
			o.EOF = true
		case line == "server closed TCP":
			o.ServerClosed = true
		case line == "no eof":
		default:
			err = fmt.Errorf("unknown line %q", line)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}

// tester plays one case over a connection: it writes the case's frames
// and reads the peer's in a goroutine of its own.
type tester struct {
	conn net.Conn
	br   *bufio.Reader
	role Role

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change of obs
	obs       Observation
	sentClose bool
	closed    bool // the peer's close frame, or the end of the connection, was seen
	readDone  chan struct{}
	pending   []byte // the rest of a frame cut by Step.Cut
}

// Run plays c over conn, whose opening handshake is done (br holds what was
// read past it), and returns what the peer did. It closes conn, and returns
// within CaseTimeout.
func Run(conn net.Conn, br *bufio.Reader, role Role, c Case) Observation {
	t := &tester{conn: conn, br: br, role: role, changed: make(chan struct{}), readDone: make(chan struct{})}
	deadline := time.Now().Add(CaseTimeout)
	conn.SetDeadline(deadline)
	go t.read()
	t.play(c)
	t.finish(c)
	hang := time.Now().After(deadline)
	conn.Close()
	<-t.readDone
	t.mu.Lock()
	defer t.mu.Unlock()
	t.obs.Hang = hang
	return t.obs
}

// play writes the steps, and stops once the peer has closed.
func (t *tester) play(c Case) {
	for i, s := range c.Steps {
		closed := t.peerClosed()
		if c.FailBy > 0 && i == c.FailBy {
			t.setFailFast(closed)
		}
		if closed {
			break
		}
		b := t.pending
		t.pending = nil
		for _, f := range s.Frames {
			if f.Op == wsframe.OpClose {
				t.mu.Lock()
				t.sentClose = true
				t.mu.Unlock()
			}
			b = t.frame(f).Append(b)
		}
		if s.Cut > 0 {
			cut := len(b) - len(s.Frames[0].Payload) + s.Cut
			for _, f := range s.Frames[1:] {
				cut -= len(t.frame(f).Append(nil))
			}
			b, t.pending = b[:cut], b[cut:]
		}
		if wstest.WriteChopped(t.conn, b, s.Chop) != nil {
			break
		}
		if s.CloseWrite {
			if cw, ok := t.conn.(interface{ CloseWrite() error }); ok {
				cw.CloseWrite()
			}
		}
		if s.Await > 0 {
			t.waitFor(WaitReply, func() bool { return t.closed || len(t.obs.Replies) >= s.Await })
		}
		if s.Pause > 0 {
			t.waitFor(s.Pause, func() bool { return t.closed })
		}
	}
	if c.FailBy > 0 {
		t.mu.Lock()
		if t.obs.FailFast == nil {
			// The steps stopped before FailBy: the peer closed earlier.
			fast := true
			t.obs.FailFast = &fast
		}
		t.mu.Unlock()
	}
}

func (t *tester) setFailFast(fast bool) {
	t.mu.Lock()
	t.obs.FailFast = &fast
	t.mu.Unlock()
}

// frame masks f with a fresh key when the tester is the client: a client's
// key must not be predictable (RFC 6455 section 5.3).
func (t *tester) frame(f wstest.Frame) wstest.Frame {
	if t.role == AsClient {
		k := rand.Uint32()
		f.Masked = true
		f.Mask = [4]byte{byte(k >> 24), byte(k >> 16), byte(k >> 8), byte(k)}
	}
	return f
}

// finish ends the connection as a tester does after its steps: it waits for
// the replies the case expects (where the peer must fail, for it to fail),
// closes with 1000 unless a close was sent already, answers a close of the
// peer's, and waits for the peer to close TCP.
func (t *tester) finish(c Case) {
	want := len(c.Want.Replies)
	if c.Want.Fail != 0 {
		// A peer that answers past what it should has accepted what it
		// should have refused: no need to wait longer.
		t.waitFor(WaitReply, func() bool { return t.closed || len(t.obs.Replies) > want })
	} else {
		t.waitFor(WaitReply, func() bool { return t.closed || len(t.obs.Replies) >= want })
	}
	t.mu.Lock()
	closeNow := !t.sentClose && !t.closed
	t.sentClose = t.sentClose || closeNow
	t.mu.Unlock()
	if closeNow {
		t.write(wstest.Frame{Fin: true, Op: wsframe.OpClose, Payload: wsframe.ClosePayload(1000, "")})
	}
	t.waitFor(WaitReply, func() bool { return t.obs.Close != nil || t.obs.EOF })

	t.mu.Lock()
	answer := t.obs.Close != nil && !t.sentClose
	t.sentClose = true
	p := []byte{}
	if answer && !t.obs.Close.Bad {
		p = wsframe.ClosePayload(t.obs.Close.Code, "")
	}
	t.mu.Unlock()
	if answer {
		// Answer the peer's close with its code, as an endpoint must (RFC
		// 6455 section 5.5.1); a close of 1 byte gets an empty one.
		t.write(wstest.Frame{Fin: true, Op: wsframe.OpClose, Payload: p})
	}
	t.mu.Lock()
	exchanged := t.obs.Close != nil
	t.mu.Unlock()
	if t.role == AsServer && exchanged {
		// The server closes TCP first (RFC 6455 section 7.1.1); a client
		// waits for it, Chrome for 2 seconds.
		t.mu.Lock()
		t.obs.ServerClosed = true
		t.mu.Unlock()
		return
	}
	t.waitFor(WaitEOF, func() bool { return t.obs.EOF })
}

// write writes one frame; an error means the peer is gone, which the
// reader sees too.
func (t *tester) write(f wstest.Frame) {
	t.conn.Write(t.frame(f).Append(nil))
}

func (t *tester) peerClosed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.closed
}

// waitFor waits up to d for cond, checked with t.mu held, or for the reader
// to end.
func (t *tester) waitFor(d time.Duration, cond func() bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		t.mu.Lock()
		ok := cond()
		ch := t.changed
		t.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-t.readDone:
			return
		case <-timer.C:
			return
		}
	}
}

// update changes the observation under t.mu and wakes the waiters.
func (t *tester) update(f func()) {
	t.mu.Lock()
	f()
	close(t.changed)
	t.changed = make(chan struct{})
	t.mu.Unlock()
}

// read reads the peer's frames until the connection ends.
func (t *tester) read() {
	defer close(t.readDone)
	var msg []byte
	var msgOp byte // the opcode of the message being reassembled; 0 if none
	for {
		f, err := wstest.ReadFrame(t.br, maxFrame)
		if err != nil {
			t.update(func() { t.readError(err) })
			return
		}
		t.update(func() {
			if fault := t.check(f, msgOp); fault != "" {
				t.obs.Faults = append(t.obs.Faults, fault)
			}
			var r *Reply
			switch f.Op {
			case wsframe.OpText, wsframe.OpBinary:
				msgOp, msg = f.Op, append([]byte(nil), f.Payload...)
			case wsframe.OpContinuation:
				msg = append(msg, f.Payload...)
			case wsframe.OpPing:
				r = &Reply{Kind: "ping", Data: f.Payload}
			case wsframe.OpPong:
				r = &Reply{Kind: "pong", Data: f.Payload}
			case wsframe.OpClose:
				if t.obs.Close != nil {
					r = &Reply{Kind: "close", Data: f.Payload}
					break
				}
				code, reason, ok := wsframe.ParseClose(f.Payload)
				t.obs.Close = &CloseFrame{Code: code, Reason: reason, Bad: !ok}
				t.obs.CloseFirst = !t.sentClose
				t.closed = true
				return
			}
			if f.Fin && msgOp != 0 && (f.Op == wsframe.OpText || f.Op == wsframe.OpBinary || f.Op == wsframe.OpContinuation) {
				kind := map[byte]string{wsframe.OpText: "text", wsframe.OpBinary: "binary"}[msgOp]
				r = &Reply{Kind: kind, Data: msg}
				msgOp, msg = 0, nil
			}
			switch {
			case r == nil:
			case t.obs.Close != nil:
				t.obs.After = append(t.obs.After, *r)
			default:
				t.obs.Replies = append(t.obs.Replies, *r)
			}
		})
	}
}

// readError records how the connection ended, with t.mu held.
func (t *tester) readError(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, net.ErrClosed):
		// Run closed the connection: the peer had not.
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		// A peer that closes with unread data in its buffer resets the
		// connection: an end all the same.
		t.obs.EOF = true
		t.obs.Dropped = t.obs.Close == nil && !t.sentClose
	case errors.As(err, &ne) && ne.Timeout():
		// CaseTimeout: Run reports the hang.
	default:
		t.obs.Faults = append(t.obs.Faults, "read: "+err.Error())
		t.obs.EOF = errors.Is(err, io.ErrUnexpectedEOF)
	}
	t.closed = true
}

// check says what is wrong with a frame from the peer, for its role, or "".
func (t *tester) check(f wstest.Frame, msgOp byte) string {
	switch {
	case t.role == AsClient && f.Masked:
		return "masked frame from the server"
	case t.role == AsServer && !f.Masked:
		return "unmasked frame from the client"
	case f.RSV != 0:
		return fmt.Sprintf("reserved bits %03b", f.RSV)
	case f.Op > wsframe.OpBinary && f.Op < wsframe.OpClose || f.Op > wsframe.OpPong:
		return fmt.Sprintf("reserved opcode %d", f.Op)
	case f.IsControl() && (!f.Fin || len(f.Payload) > 125):
		return fmt.Sprintf("bad control frame (fin %t, %d bytes)", f.Fin, len(f.Payload))
	case f.Op == wsframe.OpContinuation && msgOp == 0:
		return "continuation without a message"
	case (f.Op == wsframe.OpText || f.Op == wsframe.OpBinary) && msgOp != 0:
		return "new message inside a fragmented one"
	}
	return ""
}
