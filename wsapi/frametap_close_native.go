//go:build !js

package wsapi

import (
	"encoding/binary"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// serverClose is a valid close frame of the server.
type serverClose struct {
	code      int // 1005 when the frame had no payload
	reason    string
	afterOurs bool // the client's close frame had gone out first
}

// captureClose reads the server's close frame to its end, into pending,
// and decides what it is.
func (t *frameTap) captureClose() {
	var buf [128]byte
	for {
		if h, hl, ok := wsframe.Decode(t.pending); ok {
			if pe := t.checkCloseHeader(h); pe != nil {
				t.setFailure(pe)
				t.end = pe
				return
			}
			if total := hl + int(h.Length); len(t.pending) >= total {
				t.takeClose(t.pending[hl:total])
				t.stray = len(t.pending) > total
				return
			}
		}
		if t.rerr != nil {
			// The connection ended inside the close frame: no close
			// frame at all.
			t.end = forCoder(t.rerr)
			return
		}
		n, err := t.rwc.Read(buf[:])
		t.pending = append(t.pending, buf[:n]...)
		if err != nil {
			t.rerr = err
		}
	}
}

func (t *frameTap) checkCloseHeader(h wsframe.Header) *protocolError {
	switch {
	case h.Length > 125:
		return errControlTooLong
	case h.Masked:
		return errMaskedFrame
	case h.RSV != 0:
		return errReservedBit
	case !h.Fin:
		return errFragmentedControl
	}
	return nil
}

// takeClose decides on the payload of the server's close frame as Chrome
// does: any code but the three that stand for no code, and a reason in
// UTF-8. coder reads errCloseReceived in its place.
func (t *frameTap) takeClose(p []byte) {
	sc := &serverClose{code: 1005}
	var pe *protocolError
	switch {
	case len(p) == 1:
		pe = errCloseSize
	case len(p) >= 2:
		sc.code = int(binary.BigEndian.Uint16(p))
		sc.reason = string(p[2:])
		switch {
		case sc.code == 1005, sc.code == 1006, sc.code == 1015:
			pe = errCloseCode
		case !utf8.ValidString(sc.reason):
			pe = errCloseUTF8
		}
	}
	if pe != nil {
		t.setFailure(pe)
		t.end = pe
		return
	}
	t.mu.Lock()
	sc.afterOurs = t.sentClose
	t.mu.Unlock()
	t.received = sc
	t.end = errCloseReceived
}

// closeReceived returns the server's close frame, once coder has read
// errCloseReceived in its place.
func (t *frameTap) closeReceived() *serverClose { return t.received }

// tcpEnd is how the connection ended after the server's close frame.
type tcpEnd int

const (
	tcpEOF     tcpEnd = iota // the server closed TCP
	tcpTimeout               // it did not in time: the client did
	tcpStray                 // more came after the close frame
	tcpBroken                // the connection failed (a reset)
)

// awaitEnd waits, once coder is done reading, for at most d for the server
// to close TCP after its close frame, as Chrome waits when it sent the
// first close frame.
func (t *frameTap) awaitEnd(d time.Duration) tcpEnd {
	if t.stray {
		return tcpStray
	}
	if t.rerr == nil {
		var timedOut bool
		timer := time.AfterFunc(d, func() {
			t.mu.Lock()
			timedOut = !t.isCut
			t.mu.Unlock()
			t.cut()
		})
		var buf [1]byte
		n, err := t.rwc.Read(buf[:])
		timer.Stop()
		t.mu.Lock()
		late := timedOut
		t.mu.Unlock()
		switch {
		case n > 0:
			return tcpStray
		case late:
			return tcpTimeout
		}
		t.rerr = err
	}
	if errors.Is(t.rerr, io.EOF) {
		return tcpEOF
	}
	return tcpBroken
}
