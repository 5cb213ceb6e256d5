//go:build !js

package wsapi

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// frameTap sits between coder/websocket and the connection of one socket: it
// is the io.ReadWriteCloser coder reads and writes. It follows the frame
// headers going both ways (payloads are skipped by counting, never looked
// at, compressed or not), so that the native backend sees the connection as
// Chrome does, whichever goroutine of coder moves the bytes:
//
//   - A server frame Chrome refuses (masked, a reserved bit, an unknown
//     opcode, a continuation with nothing to continue, a control frame over
//     125 bytes, a bad close frame) ends the stream where it starts: coder
//     reads the frames before it, then an error, and never this frame. The
//     tap keeps Chrome's reason for the close frame Chrome answers with.
//   - The server's close frame is taken out of the stream and kept, so that
//     the close event reports exactly what the server sent; coder reads an
//     error in its place, and never answers it: the transport does.
//   - The client's close frames go out through inject, between two of
//     coder's frames, and nothing of coder's follows them.
//   - cut closes the connection at once, whoever is blocked on it.
//   - Between beginTry and endTry, a send writes inline (see
//     nativeTransport.send): every Write writes what the kernel takes at
//     once and keeps the rest in spill, which the next Write, inject or
//     flush writes first. Nothing that holds coder's write lock then
//     waits for the network, so neither does the send.
type frameTap struct {
	rwc     io.ReadWriteCloser
	deflate bool // permessage-deflate was negotiated: RSV1 may mark a message
	// raw is the socket under rwc, for tryWrite; nil where the
	// connection is not one the tap may write to directly (TLS, a
	// transport of the user's).
	raw *rawWriter

	// The read side. coder reads on the transport's run goroutine, which
	// reads the results once coder is done: no lock is needed for these.
	in        wsframe.Follower
	inMessage bool   // a fragmented message is under way
	capturing bool   // the server's close frame has begun
	pending   []byte // the bytes read from the start of the close frame on
	rerr      error  // what the connection's Read returned
	end       error  // what Read returns from now on
	received  *serverClose
	stray     bool // bytes came after the server's close frame

	mu      sync.Mutex
	cond    sync.Cond // on mu: a write ended, or the connection was cut
	failure *protocolError
	out     wsframe.Follower // coder's frames, to know where one ends
	writing bool             // a Write of coder's, or a flush, is under way
	try     bool             // see beginTry
	spill   []byte           // written by coder, not yet by the kernel; its writer's

	outClose  bool // coder began a close frame
	injecting bool
	sentClose bool // a close frame went out, the client's or coder's
	isCut     bool
}

// serverClose is a valid close frame of the server.
type serverClose struct {
	code      int // 1005 when the frame had no payload
	reason    string
	afterOurs bool // the client's close frame had gone out first
}

// protocolError is a frame Chrome refuses: Chrome fails the connection and
// tells the server 1002 with its reason.
type protocolError struct {
	reason string // on the wire, Chrome's
	msg    string // what Chrome's console says
}

func (e *protocolError) Error() string { return e.msg }

// Chrome's reasons, as its close frames carry them.
var (
	errControlTooLong    = &protocolError{"WebSocket Protocol Error", "Received a control frame of more than 125 bytes"}
	errMaskedFrame       = &protocolError{"Masked frame from server", "A server must not mask any frames that it sends to the client."}
	errReservedBit       = &protocolError{"Invalid reserved bit", "One or more reserved bits are on"}
	errUnknownOpcode     = &protocolError{"Unknown opcode", "Unrecognized frame opcode"}
	errUnexpectedCont    = &protocolError{"Unexpected continuation", "Received unexpected continuation frame."}
	errFragmentedControl = &protocolError{"WebSocket Protocol Error", "Received a fragmented control frame"}
	errCloseSize         = &protocolError{"", "Received a broken close frame with an invalid size."}
	errCloseCode         = &protocolError{"", "Received a broken close frame containing a reserved status code."}
	errCloseUTF8         = &protocolError{"Invalid UTF-8 in Close frame", "Received a broken close frame containing invalid UTF-8."}
	errTextUTF8          = &protocolError{"Invalid UTF-8 in text frame", "Could not decode a text frame as UTF-8."}
	errAfterClose        = &protocolError{"", "Received a frame after the close frame"}
)

func newFrameTap(rwc io.ReadWriteCloser, deflate bool) *frameTap {
	t := &frameTap{rwc: rwc, deflate: deflate}
	t.cond.L = &t.mu
	return t
}

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
	case wsframe.OpText, wsframe.OpBinary:
		// A new message while one is under way: coder refuses it.
		t.inMessage = !h.Fin
	case wsframe.OpPing, wsframe.OpPong:
	default:
		return errUnknownOpcode
	}
	return nil
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

// closeReceived returns the server's close frame, once coder has read
// errCloseReceived in its place.
func (t *frameTap) closeReceived() *serverClose { return t.received }

// readError returns what the connection's Read returned, if it failed.
func (t *frameTap) readError() error { return t.rerr }

// setFailure records the first frame Chrome refuses; the transport then
// fails the connection.
func (t *frameTap) setFailure(pe *protocolError) {
	t.mu.Lock()
	if t.failure == nil {
		t.failure = pe
	}
	t.mu.Unlock()
}

func (t *frameTap) failed() *protocolError {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failure
}

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
// out; the writer calls it after a send that spilled.
func (t *frameTap) flush() error {
	t.mu.Lock()
	for (t.writing || t.injecting) && !t.isCut {
		t.cond.Wait()
	}
	if t.isCut || len(t.spill) == 0 {
		t.mu.Unlock()
		return nil
	}
	t.writing = true
	t.mu.Unlock()
	err := t.writeSpill()
	t.mu.Lock()
	t.writing = false
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

// cut closes the connection at once: every Read and Write on it returns,
// and so does a waiting inject.
func (t *frameTap) cut() {
	t.mu.Lock()
	if t.isCut {
		t.mu.Unlock()
		return
	}
	t.isCut = true
	t.cond.Broadcast()
	t.mu.Unlock()
	t.rwc.Close()
}

func (t *frameTap) wasCut() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.isCut
}

// Close is coder's way to cut the connection.
func (t *frameTap) Close() error {
	t.cut()
	return nil
}

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
