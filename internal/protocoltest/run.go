//go:build !js

package protocoltest

import (
	"bufio"
	"math/rand/v2"
	"net"
	"sync"
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
