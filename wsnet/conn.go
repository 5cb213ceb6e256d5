// Package wsnet makes a wsapi socket a net.Conn, to tunnel a stream
// protocol (net/rpc, HTTP/1.1, SSH, ...) over WebSocket binary messages,
// on every platform, the browser included, as coder/websocket's NetConn
// does.
//
// It is a package of its own so that a program that does not use it does
// not carry it.
package wsnet

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsread"
)

// Options configure a Conn; a nil *Options means every default.
type Options struct {
	// MaxBuffered bounds what Write leaves queued: a Write returns once
	// the socket's BufferedAmount is at most this many bytes, so that a
	// writer to a slow peer waits, as on TCP, rather than queuing without
	// end. Negative is an error. Defaults to 1 MiB.
	MaxBuffered int64

	// Reader configures the wsread.Reader that the Conn reads through.
	// Defaults to wsread's defaults.
	Reader *wsread.Options
}

// defaultMaxBuffered is Options.MaxBuffered's default.
const defaultMaxBuffered = 1 << 20

// ErrNotBinary is wrapped by the error of a Read that met a text message:
// a byte stream has no place for one. Every later Read returns the same
// error; Close the Conn. (coder/websocket closes with 1003 here, a code
// the browser's WebSocket may not send.)
var ErrNotBinary = errors.New("wsnet: a text message, where a net.Conn carries binary messages only")

// Conn is a net.Conn on a socket: each Write sends one binary message,
// Read returns the bytes of the binary messages received, in order, as one
// stream. Deadlines interrupt a blocked Read or Write and fail it with an
// error wrapping os.ErrDeadlineExceeded (a net.Error whose Timeout is
// true); the connection stays usable, as a TCP connection's does.
//
// The close codes map to the stream: a close with wsapi.StatusNormalClosure
// or wsapi.StatusGoingAway reads as io.EOF once the messages before it are
// read; any other close, or a failed connection, as an error that
// wsapi.CloseStatus reads (and, for a failure, wrapping
// wsapi.ErrConnection). Close closes the socket with
// wsapi.StatusNormalClosure.
type Conn struct {
	ws          *wsapi.WebSocket
	r           *wsread.Reader
	maxBuffered uint64
	addr        addr

	readMu  sync.Mutex // one Read at a time: rest and rerr are its
	rest    []byte     // what the last message left unread
	rerr    error      // sticky: the stream ended
	readDL  deadline
	writeMu sync.Mutex
	writeDL deadline
	closeMu sync.Mutex
	closed  bool
}

// New makes ws a net.Conn. It sets ws's handlers through wsread.New, so
// call it right after wsapi.New or wsapi.Dial and set no handler on ws
// after it. A socket still CONNECTING is waited for by the first Read or
// Write.
func New(ws *wsapi.WebSocket, opts *Options) (*Conn, error) {
	if ws == nil {
		return nil, errors.New("wsnet: failed to make a Conn: nil *wsapi.WebSocket")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	switch {
	case o.MaxBuffered < 0:
		return nil, errors.New("wsnet: failed to make a Conn: Options.MaxBuffered is " + strconv.FormatInt(o.MaxBuffered, 10) + ", want 0 (the default) or more")
	case o.MaxBuffered == 0:
		o.MaxBuffered = defaultMaxBuffered
	}
	r, err := wsread.New(ws, o.Reader)
	if err != nil {
		return nil, err
	}
	return &Conn{ws: ws, r: r, maxBuffered: uint64(o.MaxBuffered), addr: addr(ws.URL())}, nil
}

// Socket returns the socket under the Conn.
func (c *Conn) Socket() *wsapi.WebSocket { return c.ws }

// Read reads the bytes of the binary messages received.
func (c *Conn) Read(p []byte) (int, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.isClosed() {
		return 0, c.opError("read", net.ErrClosed)
	}
	for len(c.rest) == 0 {
		if c.rerr != nil {
			return 0, c.rerr
		}
		if len(p) == 0 {
			return 0, nil
		}
		ctx, done := c.readDL.start()
		m, err := c.r.Read(ctx)
		ended := err != nil && ctx.Err() != nil && c.ws.Err() == nil // the context, not the socket
		done()
		switch {
		case err == nil && m.Type != wsapi.Binary:
			c.rerr = c.opError("read", &notBinaryError{n: len(m.Data)})
		case err == nil:
			c.rest = m.Data
		case c.isClosed():
			return 0, c.opError("read", net.ErrClosed)
		case ended:
			return 0, c.opError("read", os.ErrDeadlineExceeded)
		default:
			switch wsapi.CloseStatus(err) {
			case wsapi.StatusNormalClosure, wsapi.StatusGoingAway:
				c.rerr = io.EOF
			default:
				c.rerr = c.opError("read", err)
			}
		}
	}
	n := copy(p, c.rest)
	c.rest = c.rest[n:]
	return n, nil
}

// Write sends p as one binary message, and returns once the socket's
// buffered amount is at most Options.MaxBuffered.
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if c.isClosed() {
		return 0, c.opError("write", net.ErrClosed)
	}
	ctx, done := c.writeDL.start()
	defer done()
	if ctx.Err() != nil { // the deadline has passed: nothing is sent
		return 0, c.writeError(ctx, nil)
	}
	if c.ws.ReadyState() == wsapi.Connecting {
		if err := c.ws.WaitOpen(ctx); err != nil {
			return 0, c.writeError(ctx, err)
		}
	}
	if c.ws.ReadyState() != wsapi.Open {
		// Send would count the bytes and drop them, as the browser does.
		return 0, c.writeError(ctx, nil)
	}
	if err := c.ws.SendBinary(p); err != nil {
		return 0, c.opError("write", err)
	}
	if err := c.ws.WaitBufferedAmount(ctx, c.maxBuffered); err != nil {
		// The message is queued: the bytes count as written.
		return len(p), c.writeError(ctx, err)
	}
	return len(p), nil
}

// writeError says why a write failed: its deadline, a local Close, or the
// socket's close.
func (c *Conn) writeError(ctx context.Context, err error) error {
	switch {
	case c.isClosed():
		return c.opError("write", net.ErrClosed)
	case ctx.Err() != nil && c.ws.Err() == nil:
		return c.opError("write", os.ErrDeadlineExceeded)
	case c.ws.Err() != nil:
		return c.opError("write", c.ws.Err())
	case err != nil:
		return c.opError("write", err)
	}
	return c.opError("write", net.ErrClosed) // CLOSING
}

// Close closes the socket with wsapi.StatusNormalClosure and fails the
// Reads and Writes in progress with net.ErrClosed. A second Close returns
// an error wrapping net.ErrClosed.
func (c *Conn) Close() error {
	c.closeMu.Lock()
	if c.closed {
		c.closeMu.Unlock()
		return c.opError("close", net.ErrClosed)
	}
	c.closed = true
	c.closeMu.Unlock()
	c.readDL.interrupt()
	c.writeDL.interrupt()
	return c.r.CloseWithStatus(wsapi.StatusNormalClosure, "")
}

func (c *Conn) isClosed() bool {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	return c.closed
}

// LocalAddr returns an address whose network is "websocket" and whose
// String is the socket's URL: neither backend tells the real addresses,
// and the browser never does.
func (c *Conn) LocalAddr() net.Addr { return c.addr }

// RemoteAddr returns the same address as LocalAddr.
func (c *Conn) RemoteAddr() net.Addr { return c.addr }

// SetDeadline sets both deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	c.readDL.set(t)
	c.writeDL.set(t)
	return nil
}

// SetReadDeadline sets the deadline of Reads, the one in progress
// included; the zero time means none.
func (c *Conn) SetReadDeadline(t time.Time) error {
	c.readDL.set(t)
	return nil
}

// SetWriteDeadline sets the deadline of Writes, the one in progress
// included; the zero time means none.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.writeDL.set(t)
	return nil
}

func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: "websocket", Addr: c.addr, Err: err}
}

type addr string

func (addr) Network() string  { return "websocket" }
func (a addr) String() string { return string(a) }

type notBinaryError struct{ n int }

func (e *notBinaryError) Error() string {
	return "wsnet: received a text message of " + strconv.Itoa(e.n) + " bytes, where a net.Conn carries binary messages only"
}

func (e *notBinaryError) Unwrap() error { return ErrNotBinary }
