//go:build !js

package wsapi

import (
	"crypto/rand"
	"errors"
	"net"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// Write sends coder's bytes, unless a close frame went out before them.
func (t *frameTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	for t.injecting || t.writing {
		t.cond.Wait()
	}
	switch {
	case t.isCut:
		t.mu.Unlock()
		return 0, net.ErrClosed
	case t.sentClose:
		// Nothing may follow a close frame. coder does not know of the
		// client's, and may still answer a ping: it goes nowhere.
		t.mu.Unlock()
		return len(p), nil
	}
	t.writing = true
	try := t.try
	t.mu.Unlock()

	var n int
	var err error
	switch {
	case try:
		if len(t.spill) == 0 {
			n, err = t.raw.tryWrite(p)
		}
		if err == nil {
			t.spill = append(t.spill, p[n:]...)
			n = len(p)
		}
	case len(t.spill) > 0:
		if err = t.writeSpill(); err == nil {
			n, err = t.rwc.Write(p)
		}
	default:
		n, err = t.rwc.Write(p)
	}

	t.mu.Lock()
	for b := p[:n]; len(b) > 0; {
		k, h, ok := t.out.Advance(b)
		b = b[k:]
		if ok && h.Op == wsframe.OpClose {
			// coder failed the connection itself (a protocol error it
			// found, or the read limit): its close frame is the one.
			t.outClose = true
		}
	}
	t.sentClose = t.sentClose || t.outClose && t.out.AtBoundary()
	t.writing = false
	t.cond.Broadcast()
	t.mu.Unlock()
	return n, err
}

// writeSpill writes what tryWrite left, blocking; its caller holds the
// connection (writing or injecting).
func (t *frameTap) writeSpill() error {
	_, err := t.rwc.Write(t.spill)
	if cap(t.spill) > readBufKeep {
		t.spill = nil
	} else {
		t.spill = t.spill[:0]
	}
	return err
}

// beginTry makes every Write a tryWrite until endTry, and reports whether
// it did: not when the tap cannot write directly, or when anything else
// holds or wants the connection, which might wait for the network.
func (t *frameTap) beginTry() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.raw == nil || t.writing || t.injecting || t.isCut || t.sentClose || len(t.spill) > 0 {
		return false
	}
	t.try = true
	return true
}

// endTry ends what beginTry began, and reports whether bytes wait in
// spill, for flush.
func (t *frameTap) endTry() (spilled bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.writing {
		t.cond.Wait() // a ping's answer, which does not wait either
	}
	t.try = false
	return len(t.spill) > 0
}

// flush writes what the tries left, blocking, before anything else goes
// out; the writer calls it after a send that spilled, and the reader when
// coder failed the connection (see end). It holds the connection as inject
// does, not as coder's Write: endTry then never waits for it, so a send
// that ends its try meanwhile does not wait for the network either.
func (t *frameTap) flush() error {
	t.mu.Lock()
	for (t.writing || t.injecting) && !t.isCut {
		t.cond.Wait()
	}
	if t.isCut || len(t.spill) == 0 {
		t.mu.Unlock()
		return nil
	}
	t.injecting = true
	t.mu.Unlock()
	err := t.writeSpill()
	t.mu.Lock()
	t.injecting = false
	t.cond.Broadcast()
	t.mu.Unlock()
	return err
}

// errClosing is inject's answer when a close frame went out already.
var errClosing = errors.New("a close frame was sent already")

// inject sends a close frame of the client's with code (1005 for none) and
// reason, between two of coder's frames. With wait it waits for coder to
// finish the frame it is writing; without, it gives up if coder is
// writing. Nothing is written after it.
func (t *frameTap) inject(code int, reason string, wait bool) error {
	t.mu.Lock()
	for !t.isCut && !t.sentClose && (t.writing || t.injecting || !t.out.AtBoundary()) {
		if !wait {
			t.mu.Unlock()
			return errors.New("coder/websocket is writing a frame")
		}
		t.cond.Wait()
	}
	switch {
	case t.isCut:
		t.mu.Unlock()
		return net.ErrClosed
	case t.sentClose:
		t.mu.Unlock()
		return errClosing
	}
	t.injecting = true
	t.sentClose = true
	t.mu.Unlock()

	var err error
	if len(t.spill) > 0 {
		err = t.writeSpill()
	}
	if err == nil {
		_, err = t.rwc.Write(closeFrame(code, reason))
	}

	t.mu.Lock()
	t.injecting = false
	t.cond.Broadcast()
	t.mu.Unlock()
	return err
}

// closeFrame builds a masked close frame, as a client sends it; code 1005
// means a frame without payload.
func closeFrame(code int, reason string) []byte {
	var p []byte
	if code != wsframe.NoStatus {
		p = wsframe.ClosePayload(code, reason)
	}
	h := wsframe.Header{Fin: true, Op: wsframe.OpClose, Masked: true, Length: uint64(len(p))}
	rand.Read(h.Mask[:]) // crypto/rand never fails
	b := append(h.Append(nil), p...)
	wsframe.Mask(h.Mask, 0, b[len(b)-len(p):])
	return b
}
