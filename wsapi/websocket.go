package wsapi

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"unicode/utf8"
)

// WebSocket is one connection, with the browser's WebSocket interface. Its
// methods are safe for concurrent use.
type WebSocket struct {
	url string
	tr  transport

	mu          sync.Mutex
	state       ReadyState // the state the user sees: moved by dispatched events and by Close
	protocol    string
	extensions  string
	handlers    handlers
	queue       []event // waiting events are queue[qhead:]; see popLocked
	qhead       int
	opened      bool       // the backend reported open
	terminal    bool       // close is queued; the backend has nothing more to say
	closeCalled bool       // Close or CloseWithStatus started a close
	dispatching bool       // the gate is open: queued events are dispatched
	running     bool       // a dispatcher goroutine runs; see wakeLocked
	lingers     bool       // an idle dispatcher waits dispatchLinger for more; see nativeTransport.deliverHere
	lingerDue   bool       // the running dispatcher's linger timer fired
	dispatchFn  func()     // ws.dispatch, made once: go ws.dispatch() would allocate each time
	decided     uint8      // bit per eventKind: its handler was set, or a Wait method covers it
	settleFrom  int64      // when a handler was last set, or open dispatched: see now
	queuedBytes int        // bytes of the messages in queue
	room        *sync.Cond // on mu: queuedBytes fell, or the reader should stop waiting
	closeEvent  closeFields
	failure     error         // the error event's error, set when it is queued
	wake        chan struct{} // tells the running dispatcher that the queue grew, or to look again
	openCh      chan struct{} // closed when open is dispatched
	done        chan struct{} // closed when close is dispatched
}

// transport is what a backend does: move bytes. Everything the user sees
// (state, order, events) is decided here, above it, once for both.
type transport interface {
	// sendText and sendBinary queue a message. They are called only once
	// the socket was OPEN; after a close they must count the bytes in
	// bufferedAmount and drop them. sendBinary's data stays the caller's:
	// a transport that keeps it copies it.
	sendText(s string)
	sendBinary(data []byte)
	// bufferedAmount is the number of payload bytes queued and not written.
	bufferedAmount() uint64
	// drained returns a channel closed when bufferedAmount may have
	// fallen since the call: the attempt-th wait of a WaitBufferedAmount.
	drained(attempt int) <-chan struct{}
	// beginTask and endTask bracket each handler the dispatcher runs:
	// within one, bufferedAmount falls no more, as in a browser task.
	beginTask()
	endTask()
	// yieldTask is a handler blocking in a wait: in the browser the
	// event loop then runs, and bufferedAmount falls, mid-handler.
	yieldTask()
	// close starts the closing handshake of an open connection, after the
	// messages already queued; code 0 means close() without a status.
	close(code int, reason string)
	// abort drops the connection attempt of a socket closed while
	// CONNECTING; the socket has already queued error and close.
	abort()
	// release frees what the transport holds once close was dispatched.
	release()
}

// New is `new WebSocket(url, protocols)`: it validates its arguments at once,
// returning an error wrapping ErrSyntax, and returns a socket in CONNECTING
// that connects in the background. Set handlers before the calling goroutine
// blocks; events are held until the first handler is set, so none is lost.
func New(url string, protocols ...string) (*WebSocket, error) {
	return NewWithOptions(url, &Options{Protocols: protocols})
}

// NewWithOptions is New with settings that only some platforms can honour;
// see Options. A nil opts is the same as New(url).
func NewWithOptions(url string, opts *Options) (*WebSocket, error) {
	o := opts.clone()
	if err := checkURLText(url); err != nil {
		return nil, wrap("wsapi: failed to construct WebSocket", err)
	}
	if err := checkProtocols(o.Protocols); err != nil {
		return nil, wrap("wsapi: failed to construct WebSocket", err)
	}
	ws := &WebSocket{
		lingers: true,
		wake:    make(chan struct{}, 1),
		openCh:  make(chan struct{}),
		done:    make(chan struct{}),
	}
	ws.room = sync.NewCond(&ws.mu)
	ws.dispatchFn = ws.dispatch
	tr, err := dial(ws, url, o)
	if err != nil {
		return nil, wrap("wsapi: failed to construct WebSocket", err)
	}
	ws.tr = tr
	return ws, nil
}

// URL returns the URL the socket connects to, serialized as the browser's
// ws.url: lower-case scheme and host, no default port, "/" for an empty path.
func (ws *WebSocket) URL() string { return ws.url }

// ReadyState returns the state as the events delivered so far tell it: OPEN
// once the open event is dispatched, CLOSING as soon as Close is called,
// CLOSED once the close event, or the error event before it, is dispatched,
// as the browser sets it before it fires error. Like those events, it does not
// move until a handler is set or a Wait method is called.
func (ws *WebSocket) ReadyState() ReadyState {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.state
}

// BufferedAmount returns the number of application bytes queued by Send and
// not yet written to the network, including those sent after a close, which
// are never written, as the browser counts them. As in the browser, it grows
// at once with every send but falls only between events: within one
// handler it never falls.
func (ws *WebSocket) BufferedAmount() uint64 { return ws.tr.bufferedAmount() }

// Protocol returns the subprotocol the server selected; "" before open.
func (ws *WebSocket) Protocol() string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.protocol
}

// Extensions returns the extensions the server accepted; "" before open.
func (ws *WebSocket) Extensions() string {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.extensions
}

// OnOpen sets the open handler. Setting one replaces the previous one; nil
// removes it.
func (ws *WebSocket) OnOpen(f func()) { ws.setHandler(evOpen, func(h *handlers) { h.open = f }) }

// OnMessage sets the message handler. The event's Data belongs to the
// handler: the socket does not touch it again.
func (ws *WebSocket) OnMessage(f func(MessageEvent)) {
	ws.setHandler(evMessage, func(h *handlers) { h.message = f })
}

// OnError sets the error handler. The error wraps ErrConnection; natively it
// also wraps the cause, where the browser tells nothing.
func (ws *WebSocket) OnError(f func(error)) {
	ws.setHandler(evError, func(h *handlers) { h.error = f })
}

// OnClose sets the close handler. It is the last event, always delivered
// exactly once.
func (ws *WebSocket) OnClose(f func(CloseEvent)) {
	ws.setHandler(evClose, func(h *handlers) { h.close = closeHandler(f) })
}

func (ws *WebSocket) setHandler(k eventKind, set func(*handlers)) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	set(&ws.handlers)
	ws.decided |= 1 << k
	ws.settleFrom = now()
	ws.startLocked()
	ws.wakeLocked()
}

// Handlers is the set of all four handlers, for SetHandlers.
type Handlers struct {
	Open    func()
	Message func(MessageEvent)
	Error   func(error)
	Close   func(CloseEvent)
}

// SetHandlers sets all four handlers at once, nil ones included. Unlike
// four On calls, it leaves no moment where some are set and some are not,
// so no event can find its handler missing, whatever the scheduling.
func (ws *WebSocket) SetHandlers(h Handlers) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.handlers = handlers{open: h.Open, message: h.Message, error: h.Error, close: closeHandler(h.Close)}
	ws.decided = 1<<evOpen | 1<<evMessage | 1<<evError | 1<<evClose
	ws.settleFrom = now()
	ws.startLocked()
	ws.wakeLocked()
}

// SendText sends s as a text message. See Send.
func (ws *WebSocket) SendText(s string) error {
	if !utf8.ValidString(s) {
		// A JS string cannot hold invalid UTF-8; sending it would make
		// the peer fail the connection.
		return wrap("wsapi: failed to send text "+quoteShort(s)+": not valid UTF-8", ErrSyntax)
	}
	if err := ws.checkSend(Text, len(s)); err != nil {
		return err
	}
	ws.tr.sendText(s) // a string cannot change: no copy
	return nil
}

// SendBinary sends a copy of b as a binary message. See Send.
func (ws *WebSocket) SendBinary(b []byte) error {
	if err := ws.checkSend(Binary, len(b)); err != nil {
		return err
	}
	ws.tr.sendBinary(b)
	return nil
}

// Send sends a string as a text message and a []byte as a binary message;
// any other type is an error. It never blocks: the message is queued and
// BufferedAmount counts it until it is written. While CONNECTING it returns
// an error wrapping ErrInvalidState. While CLOSING or CLOSED it returns nil
// and sends nothing, but adds the length to BufferedAmount, as the browser
// does.
func (ws *WebSocket) Send(data any) error {
	switch d := data.(type) {
	case string:
		return ws.SendText(d)
	case []byte:
		return ws.SendBinary(d)
	}
	return errors.New("wsapi: Send takes a string or a []byte, not " + typeName(data))
}

// checkSend refuses a send while CONNECTING, as the browser throws.
func (ws *WebSocket) checkSend(typ MessageType, n int) error {
	ws.mu.Lock()
	st := ws.state
	ws.mu.Unlock()
	if st == Connecting {
		return wrap("wsapi: failed to send "+strconv.Itoa(n)+"-byte "+typ.String()+" message: still CONNECTING", ErrInvalidState)
	}
	return nil
}

// Close is close() with no code: the peer receives a close frame with no
// status. It returns at once; the handshake runs in the background and ends
// with the close event. Closing a closing or closed socket does nothing.
func (ws *WebSocket) Close() error {
	ws.close(0, "")
	return nil
}

// CloseWithStatus is close(code, reason). The code must be 1000 or in
// 3000-4999 (else an error wrapping ErrInvalidAccess) and the reason at most
// 123 bytes of UTF-8 (else ErrSyntax), checked in that order; a call that
// fails starts no close.
func (ws *WebSocket) CloseWithStatus(code int, reason string) error {
	if err := checkClose(code, reason); err != nil {
		return wrap("wsapi: failed to close", err)
	}
	ws.close(code, reason)
	return nil
}

// close starts a close and reports whether it failed a socket that was
// still CONNECTING, whose close event is then queued already.
func (ws *WebSocket) close(code int, reason string) (aborted bool) {
	ws.mu.Lock()
	st := ws.state
	if st == Closing || st == Closed {
		ws.mu.Unlock()
		return false
	}
	ws.state = Closing
	ws.closeCalled = true
	ws.room.Broadcast() // a reader waiting for room has nothing to wait for
	if st == Connecting {
		ws.failQueuedLocked()
		ws.mu.Unlock()
		ws.tr.abort()
		return true
	}
	ws.mu.Unlock()
	ws.tr.close(code, reason)
	return false
}

// failQueuedLocked is Close while the user still sees CONNECTING. The
// browser fails such a connection: error, then close 1006, and never open,
// whatever the network did. Here the network may have been quicker than the
// user, so whatever it queued (open, messages, a clean close) is taken back;
// nothing of it was delivered, or the state would not be CONNECTING. A
// failure already queued stands.
func (ws *WebSocket) failQueuedLocked() {
	for _, ev := range ws.queue[ws.qhead:] {
		if ev.kind == evError {
			return // error and close 1006 are queued already
		}
	}
	clear(ws.queue)
	ws.queue, ws.qhead = ws.queue[:0], 0
	ws.queuedBytes = 0
	ws.terminal = false
	ws.terminateLocked(CloseEvent{Code: 1006}, connectionError(ws.url, errClosedBeforeOpen))
}

// finish runs on the dispatcher after the close handler returned.
func (ws *WebSocket) finish(ce closeFields) {
	ws.mu.Lock()
	ws.queue, ws.qhead = nil, 0 // nothing comes after close
	ws.mu.Unlock()
	ws.closeEvent = ce // read only after done is closed
	ws.tr.release()
	close(ws.done)
}

// WaitOpen waits until the open event has been dispatched and returns nil,
// or returns why the socket will never open: when it failed, the error
// the OnError handler received (wrapping ErrConnection and, natively, the
// cause, such as a refused connection) joined with a *CloseError that
// CloseStatus reads; when it closed otherwise, a *CloseError; or ctx's
// error. Like setting a handler, it releases the events held since New. Do
// not call it from a handler of the same socket: the handler would wait for
// itself.
func (ws *WebSocket) WaitOpen(ctx context.Context) error {
	if ctx == nil {
		return errors.New("wsapi: failed to wait for " + ws.url + " to open: nil context")
	}
	if err := ws.waitOpen(ctx); err != nil {
		if err == ctx.Err() {
			return wrap("wsapi: failed to wait for "+ws.url+" to open", err)
		}
		return err
	}
	return nil
}

// waitOpen is WaitOpen, returning ctx.Err() itself when ctx ended first.
func (ws *WebSocket) waitOpen(ctx context.Context) error {
	ws.mu.Lock()
	ws.decided |= 1 << evOpen
	ws.startLocked()
	ws.wakeLocked()
	ws.mu.Unlock()
	select {
	case <-ws.openCh:
		return nil
	case <-ws.done:
		select {
		case <-ws.openCh:
			return nil
		default:
		}
		return ws.Err()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Done returns a channel closed once the close event has been dispatched and
// its handler has returned; CloseEvent then tells how the socket closed.
// Like setting a handler, it releases the events held since New.
func (ws *WebSocket) Done() <-chan struct{} {
	ws.mu.Lock()
	ws.decided |= 1 << evClose
	ws.startLocked()
	ws.wakeLocked()
	ws.mu.Unlock()
	return ws.done
}

// CloseEvent returns the close event and true once Done is closed, and a
// zero event and false before.
func (ws *WebSocket) CloseEvent() (CloseEvent, bool) {
	select {
	case <-ws.done:
		return CloseEvent(ws.closeEvent), true
	default:
		return CloseEvent{}, false
	}
}

// Err returns nil until Done is closed, then why the socket closed, as an
// error for code that reads a socket until it fails: a *CloseError, which
// CloseStatus reads, joined when the connection failed with the error the
// OnError handler received (wrapping ErrConnection and, natively, the
// cause).
func (ws *WebSocket) Err() error {
	select {
	case <-ws.done:
	default:
		return nil
	}
	ce := &CloseError{CloseEvent: CloseEvent(ws.closeEvent)}
	if ws.failure != nil {
		return &failError{err: ws.failure, close: ce}
	}
	return ce
}
