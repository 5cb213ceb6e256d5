//go:build !js

package wsapi

import (
	"errors"
	"io"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// Read gives coder the server's frames up to the close frame or up to a
// frame Chrome refuses, then an error.
func (t *frameTap) Read(p []byte) (int, error) {
	for {
		switch {
		case t.end != nil:
			return 0, t.end
		case t.capturing:
			t.captureClose()
			continue
		}
		n, err := t.rwc.Read(p)
		keep := t.scan(p[:n])
		if err != nil {
			t.rerr = err
			if t.end == nil && !t.capturing {
				t.end = forCoder(err)
			}
		}
		if keep > 0 {
			return keep, nil
		}
	}
}

// scan follows the frames of b, which continue what was scanned before, and
// returns how many of its bytes coder may read: all, or those before the
// server's close frame (kept in pending) or before a frame Chrome refuses.
func (t *frameTap) scan(b []byte) int {
	for i := 0; i < len(b); {
		start := -1 // where the current header starts in b
		if t.in.AtBoundary() {
			start = i
			if b[i]&0x0F == wsframe.OpClose {
				t.capturing = true
				t.pending = append(t.pending[:0], b[i:]...)
				return i
			}
		}
		n, h, ok := t.in.Advance(b[i:])
		i += n
		if !ok {
			continue
		}
		if pe := t.checkHeader(h); pe != nil {
			t.setFailure(pe)
			t.end = pe
			return max(start, 0) // a header begun in an earlier b is coder's already
		}
	}
	return len(b)
}

// checkHeader is Chrome's checking of a server frame header, close frames
// aside.
func (t *frameTap) checkHeader(h wsframe.Header) *protocolError {
	switch {
	case h.Op >= wsframe.OpClose && h.Length > 125:
		return errControlTooLong
	case h.Masked:
		return errMaskedFrame
	case h.RSV&(wsframe.RSV2|wsframe.RSV3) != 0, h.RSV&wsframe.RSV1 != 0 && !t.deflate:
		return errReservedBit
	}
	switch h.Op {
	case wsframe.OpContinuation:
		if !t.inMessage {
			return errUnexpectedCont
		}
		t.inMessage = !h.Fin
		t.countFinal(h)
	case wsframe.OpText, wsframe.OpBinary:
		// A new message while one is under way: coder refuses it.
		t.inMessage = !h.Fin
		t.countFinal(h)
	case wsframe.OpPing, wsframe.OpPong:
	default:
		return errUnknownOpcode
	}
	return nil
}

// countFinal counts the messages whose last frame began, so that the
// reader knows when more are already read from the connection than it has
// delivered (see nativeTransport.backlog).
func (t *frameTap) countFinal(h wsframe.Header) {
	if h.Fin {
		t.finals++
	}
}

// What coder reads once the stream is over for it. Never io.EOF: coder
// takes io.EOF for the end of the message under way, and would deliver
// the part of a fragmented message that came before the end.
var (
	errCloseReceived = errors.New("the server's close frame came")
	errServerEOF     = errors.New("the server closed the connection")
)

func forCoder(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errServerEOF
	}
	return err
}

// readError returns what the connection's Read returned, if it failed.
func (t *frameTap) readError() error { return t.rerr }
