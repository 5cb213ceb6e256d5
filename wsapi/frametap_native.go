//go:build !js

package wsapi

import (
	"io"
	"sync"

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

	// The read side. coder reads on the transport's reader goroutine,
	// which reads the results once coder is done: no lock is needed for
	// these.
	in        wsframe.Follower
	inMessage bool   // a fragmented message is under way
	finals    uint64 // messages whose last frame's header was read
	capturing bool   // the server's close frame has begun
	pending   []byte // the bytes read from the start of the close frame on
	rerr      error  // what the connection's Read returned
	end       error  // what Read returns from now on
	received  *serverClose
	stray     bool // bytes came after the server's close frame

	mu        sync.Mutex
	cond      sync.Cond // on mu: a write ended, or the connection was cut
	failure   *protocolError
	out       wsframe.Follower // coder's frames, to know where one ends
	writing   bool             // a Write of coder's is under way
	try       bool             // see beginTry
	spill     []byte           // written by coder, not yet by the kernel; its writer's
	outClose  bool             // coder began a close frame
	injecting bool             // inject or flush holds the connection, outside coder's Writes
	sentClose bool             // a close frame went out, the client's or coder's
	isCut     bool
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
