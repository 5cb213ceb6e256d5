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
	for t.injecting {
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
	t.mu.Unlock()

	n, err := t.rwc.Write(p)

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

	_, err := t.rwc.Write(closeFrame(code, reason))

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
