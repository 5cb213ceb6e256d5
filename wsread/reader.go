// Package wsread reads a wsapi socket's messages one call at a time, for
// code that would rather block than be called back, as coder/websocket's
// Conn.Read does.
//
//	ws, err := wsapi.Dial(ctx, url, nil)
//	...
//	r, err := wsread.New(ws, nil)
//	...
//	for {
//		m, err := r.Read(ctx)
//		if err != nil {
//			return err // wsapi.CloseStatus(err) says how the socket closed
//		}
//		...
//	}
//
// It is a package of its own so that a program that does not use it does
// not carry it.
package wsread

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Options configure a Reader; a nil *Options means every default.
type Options struct {
	// Buffer is how many messages the Reader holds for Read beyond the
	// one its handler is handing over. Once it is full the handler waits
	// for Read, so the socket's own queue holds the rest: natively it
	// stops reading past 1 MiB and TCP slows the peer; the browser
	// cannot slow a peer and queues. 0 hands each message straight to
	// Read. Negative is an error. Defaults to 0.
	Buffer int
}

// Reader reads the messages of one socket. Its methods are safe for
// concurrent use; each message goes to one Read.
type Reader struct {
	ws       *wsapi.WebSocket
	msgs     chan wsapi.MessageEvent
	stop     chan struct{} // closed by Close: the handler waits no more
	stopOnce sync.Once
}

// New makes ws's messages the Reader's: it sets all of ws's handlers at
// once (SetHandlers), the message handler to its own and the others to
// nil, so call it right after wsapi.New or wsapi.Dial, before the calling
// goroutine blocks, and do not set handlers on ws after it. Every message
// received is then returned by exactly one Read, in order, up to the close;
// none is dropped for want of a handler.
func New(ws *wsapi.WebSocket, opts *Options) (*Reader, error) {
	if ws == nil {
		return nil, errors.New("wsread: failed to make a Reader: nil *wsapi.WebSocket")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Buffer < 0 {
		return nil, errors.New("wsread: failed to make a Reader: Options.Buffer is " + strconv.Itoa(o.Buffer) + ", want 0 or more")
	}
	r := &Reader{ws: ws, msgs: make(chan wsapi.MessageEvent, o.Buffer), stop: make(chan struct{})}
	ws.SetHandlers(wsapi.Handlers{Message: r.handle})
	return r, nil
}

// handle runs on the socket's goroutine: it waits for room, which is how
// the buffer stays bounded, unless Close was called.
func (r *Reader) handle(m wsapi.MessageEvent) {
	select {
	case r.msgs <- m:
	case <-r.stop:
	}
}

// Socket returns the socket the Reader reads.
func (r *Reader) Socket() *wsapi.WebSocket { return r.ws }

// Read returns the next message. Once every message received before the
// close has been read, it returns the socket's Err: a *wsapi.CloseError,
// which wsapi.CloseStatus reads, joined when the connection failed with
// the cause. A socket still CONNECTING is waited for. When ctx ends first,
// it returns an error wrapping ctx's error and no message is lost: the
// next Read returns it.
func (r *Reader) Read(ctx context.Context) (wsapi.MessageEvent, error) {
	if ctx == nil {
		return wsapi.MessageEvent{}, errors.New("wsread: failed to read from " + r.ws.URL() + ": nil context")
	}
	select {
	case m := <-r.msgs:
		return m, nil
	default:
	}
	select {
	case m := <-r.msgs:
		return m, nil
	case <-r.ws.Done():
		// The close handler runs after the last message's handler has
		// handed it over: what is buffered came first.
		select {
		case m := <-r.msgs:
			return m, nil
		default:
		}
		return wsapi.MessageEvent{}, r.ws.Err()
	case <-ctx.Done():
		return wsapi.MessageEvent{}, &readError{url: r.ws.URL(), err: ctx.Err()}
	}
}

// Close closes the socket as ws.Close does. Read still returns the
// messages the Reader holds; those the socket had not handed over yet are
// dropped, as the browser drops what arrives once close() was called. Use
// it rather than ws.Close: closing the socket itself while the buffer is
// full and nobody reads would leave the handler waiting for room, and the
// close event behind it.
func (r *Reader) Close() error {
	err := r.ws.Close()
	r.stopOnce.Do(func() { close(r.stop) })
	return err
}

// CloseWithStatus is Close with a status, as ws.CloseWithStatus; a code or
// reason that it refuses starts no close and drops nothing.
func (r *Reader) CloseWithStatus(code int, reason string) error {
	if err := r.ws.CloseWithStatus(code, reason); err != nil {
		return err
	}
	r.stopOnce.Do(func() { close(r.stop) })
	return nil
}

type readError struct {
	url string
	err error
}

func (e *readError) Error() string {
	return "wsread: failed to read from " + e.url + ": " + e.err.Error()
}

func (e *readError) Unwrap() error { return e.err }
