package reconnect

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Socket is a WebSocket that reconnects: the same methods as
// *wsapi.WebSocket, so that code written against one works on the other,
// over a series of wsapi connections made one after the other. Its
// methods are safe for concurrent use.
type Socket struct {
	o       *Options
	backoff Backoff
	ctx     context.Context    // ends with Close: providers see it
	cancel  context.CancelFunc //
	wake    chan struct{}      // tells the loop that mu's fields changed
	gate    chan struct{}      // closed when the first handler is set
	done    chan struct{}      // closed after the final close
	life    lifecycle          // the browser's page and network events

	// hmu is held while a user handler runs, so that handlers run one at
	// a time although they are called from the goroutine of whichever
	// connection is current, or from the loop's.
	hmu sync.Mutex

	mu          sync.Mutex
	url         string
	state       wsapi.ReadyState
	protocol    string
	extensions  string
	handlers    wsapi.Handlers
	onRetry     func(Retry)
	gateOpen    bool
	decided     uint8            // bit per handler kind: set, or covered by WaitOpen or Done
	settleFrom  time.Time        // when a handler was last set, or open dispatched
	setCh       chan struct{}    // closed, and replaced, when a handler is set
	cur         *conn            // the connection of the latest attempt, or nil
	first       *wsapi.WebSocket // New's connection, until the loop takes it
	queue       []wsapi.MessageEvent
	queuedBytes int
	lateBytes   uint64 // sent once closed with no connection left
	opens       int
	attempt     int   // retries in a row since the last stable connection
	retry       Retry // the retry being waited for
	waiting     bool  // retry is set
	closeCalled bool
	closeCode   int
	closeReason string
	offline     bool          // the browser said offline
	hidden      bool          // the page is hidden
	frozen      bool          // pagehide: the page may be in the back/forward cache
	kick        bool          // retry now: online, visible or pageshow
	openSig     chan struct{} // closed at the next open
	lastClose   wsapi.CloseEvent
	closed      bool // lastClose is set
	err         error
}

// conn is one connection attempt.
type conn struct {
	ws        *wsapi.WebSocket
	opened    chan struct{} // closed by the open handler
	start     time.Time     // when the attempt started, for its timeout
	openedAt  time.Time     // under Socket.mu
	lastRecv  time.Time     // under Socket.mu
	cause     string        // why the socket ended it itself: idle, offline, pagehide
	abandoned bool          // under hmu: its events no longer reach the user
	ended     bool          // under hmu: its close was reported
}

// Retry describes a retry scheduled after a connection ended, for a page
// that shows "reconnecting in 2.3 s (attempt 3)".
type Retry struct {
	Attempt int           // 1 for the first retry after a stable connection
	Delay   time.Duration // the wait drawn for it
	At      time.Time     // when the attempt starts, unless Paused
	// Paused names why no attempt will start until the browser says
	// otherwise: "offline", "hidden" or "pagehide"; "" when it waits
	// only for At.
	Paused string
}

// New validates its arguments at once (errors wrap wsapi.ErrSyntax for a
// bad URL or protocol list, as wsapi.New does, and ErrOption for a bad
// option) and connects in the background; it retries until Close, the
// policy says stop, or the retries run out. With a URLProvider, url is
// only what URL returns until the first attempt, and the provider's URL
// is checked at each attempt.
func New(url string, opts *Options) (*Socket, error) {
	o, err := opts.cloneWithDefaults()
	if err != nil {
		return nil, err
	}
	s := &Socket{
		o:       o,
		backoff: o.backoff(),
		url:     url,
		wake:    make(chan struct{}, 1),
		gate:    make(chan struct{}),
		done:    make(chan struct{}),
		openSig: make(chan struct{}),
		setCh:   make(chan struct{}),
	}
	if o.URLProvider == nil && o.ProtocolsProvider == nil {
		// The first connection starts here, as wsapi.New's does, which
		// also checks url and protocols; its events wait in it until
		// the loop sets its handlers, once the user has set some.
		ws, err := wsapi.NewWithOptions(url, o.wsOptions(o.Protocols))
		if err != nil {
			return nil, err
		}
		s.first = ws
		s.url = ws.URL()
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.life.start(s)
	go s.run()
	return s, nil
}

// wsOptions are the options of one connection.
func (o *Options) wsOptions(protocols []string) *wsapi.Options {
	w := *o.WebSocket
	w.Protocols = protocols
	return &w
}

// URL returns the URL of the latest attempt, as wsapi serializes it.
func (s *Socket) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// ReadyState returns OPEN while a connection is open, CONNECTING while the
// socket connects or waits to retry, CLOSING once Close was called, and
// CLOSED after the final close.
func (s *Socket) ReadyState() wsapi.ReadyState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// BufferedAmount returns the bytes sent and not yet written: those the
// current connection holds and those queued for the next open.
func (s *Socket) BufferedAmount() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := uint64(s.queuedBytes) + s.lateBytes
	if s.cur != nil {
		n += s.cur.ws.BufferedAmount()
	}
	return n
}

// Protocol returns the subprotocol of the latest open connection.
func (s *Socket) Protocol() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.protocol
}

// Extensions returns the extensions of the latest open connection.
func (s *Socket) Extensions() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.extensions
}

// Opens returns how many connections have opened so far: 1 in the first
// OnOpen, more in a reopen, when a page resumes what it was doing.
func (s *Socket) Opens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opens
}

// NextRetry returns the retry the socket waits for, and false when it
// waits for none (connecting, open or closed).
func (s *Socket) NextRetry() (Retry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.waiting {
		return Retry{}, false
	}
	r := s.retry
	r.Paused = s.pausedLocked()
	return r, true
}

// OnOpen sets the handler of every open; Opens tells a first from a reopen.
// The messages queued while not open have been handed to the connection
// when it runs.
func (s *Socket) OnOpen(f func()) { s.setHandler(kindOpen, func(h *wsapi.Handlers) { h.Open = f }) }

// OnMessage sets the message handler.
func (s *Socket) OnMessage(f func(wsapi.MessageEvent)) {
	s.setHandler(kindMessage, func(h *wsapi.Handlers) { h.Message = f })
}

// OnError sets the error handler: a connection that failed (wrapping
// wsapi.ErrConnection) or a provider that did (wrapping ErrProvider).
func (s *Socket) OnError(f func(error)) {
	s.setHandler(kindError, func(h *wsapi.Handlers) { h.Error = f })
}

// OnClose sets the handler of the close of every connection, whether
// another follows or not (ReadyState tells: CONNECTING or CLOSED).
func (s *Socket) OnClose(f func(wsapi.CloseEvent)) {
	s.setHandler(kindClose, func(h *wsapi.Handlers) { h.Close = f })
}

// OnRetry sets the handler called when a retry is scheduled, after the
// OnClose of the connection that ended.
func (s *Socket) OnRetry(f func(Retry)) {
	s.setHandler(kindRetry, func(*wsapi.Handlers) { s.onRetry = f })
}

// SetHandlers sets the four handlers at once, nil ones included, leaving
// no moment where some are set and some are not (OnRetry aside).
func (s *Socket) SetHandlers(h wsapi.Handlers) {
	s.setHandler(kindOpen|kindMessage|kindError|kindClose, func(p *wsapi.Handlers) { *p = h })
}

// The kinds of handler, as bits of decided.
const (
	kindOpen uint8 = 1 << iota
	kindMessage
	kindError
	kindClose
	kindRetry
)

// settle is how long an event whose handler was never set waits for it
// after the last handler was set (or open dispatched), as in wsapi: a
// burst of On calls right after New, or right after WaitOpen, misses no
// event, whatever the scheduling.
const settle = 50 * time.Millisecond

func (s *Socket) setHandler(k uint8, set func(*wsapi.Handlers)) {
	s.mu.Lock()
	set(&s.handlers)
	s.decideLocked(k)
	s.mu.Unlock()
}

// decideLocked marks the kinds k as handled, opens the gate and wakes the
// events that wait for a handler.
func (s *Socket) decideLocked(k uint8) {
	s.decided |= k
	s.settleFrom = time.Now()
	close(s.setCh)
	s.setCh = make(chan struct{})
	s.openGateLocked()
}

// awaitLocked, with mu held, waits until the handler of kind k is set, or
// settle has passed since the last one was: see settle. It releases mu
// while it waits; it runs on a dispatching goroutine, never in a JS
// callback.
func (s *Socket) awaitLocked(k uint8) {
	for s.decided&k == 0 {
		left := settle - time.Since(s.settleFrom)
		if left <= 0 {
			return
		}
		ch := s.setCh
		s.mu.Unlock()
		t := time.NewTimer(left)
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
		s.mu.Lock()
	}
}

// openGateLocked lets the loop start delivering events: until a handler is
// set, or WaitOpen or Done is called, none is, so none is missed.
func (s *Socket) openGateLocked() {
	if !s.gateOpen {
		s.gateOpen = true
		close(s.gate)
	}
}

// SendText sends s as a text message, or queues it while the socket is not
// open. See SendBinary.
func (s *Socket) SendText(text string) error {
	if !utf8.ValidString(text) {
		return wrap("reconnect: failed to send text "+quoteShort(text)+": not valid UTF-8", wsapi.ErrSyntax)
	}
	return s.send(wsapi.MessageEvent{Type: wsapi.Text, Data: []byte(text)}, func(ws *wsapi.WebSocket) error { return ws.SendText(text) })
}

// SendBinary sends a copy of b as a binary message. While the socket is
// not open (connecting or waiting to retry) the message is queued, up to
// MaxQueued messages and MaxQueuedBytes bytes, and goes out on the next
// open, in order and before anything sent after that open; beyond the
// bound it is refused with an error wrapping ErrQueueFull. Once closed, it
// is counted in BufferedAmount and not sent, as the browser does.
func (s *Socket) SendBinary(b []byte) error {
	return s.send(wsapi.MessageEvent{Type: wsapi.Binary, Data: b}, func(ws *wsapi.WebSocket) error { return ws.SendBinary(b) })
}

// Send sends a string as text and a []byte as binary; see SendBinary.
func (s *Socket) Send(data any) error {
	switch d := data.(type) {
	case string:
		return s.SendText(d)
	case []byte:
		return s.SendBinary(d)
	}
	return errors.New("reconnect: Send takes a string or a []byte, not " + typeName(data))
}

func (s *Socket) send(m wsapi.MessageEvent, direct func(*wsapi.WebSocket) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case wsapi.Open:
		// Under mu, so that it cannot pass the queue's flush.
		return direct(s.cur.ws)
	case wsapi.Closing, wsapi.Closed:
		if s.cur != nil {
			return direct(s.cur.ws)
		}
		s.lateBytes += uint64(len(m.Data))
		return nil
	}
	n := len(m.Data)
	if len(s.queue) >= s.o.MaxQueued || s.queuedBytes+n > s.o.MaxQueuedBytes {
		return wrap("reconnect: failed to queue "+strconv.Itoa(n)+"-byte "+m.Type.String()+" message: "+
			strconv.Itoa(len(s.queue))+" messages, "+strconv.Itoa(s.queuedBytes)+" bytes queued, limits "+
			strconv.Itoa(s.o.MaxQueued)+" and "+strconv.Itoa(s.o.MaxQueuedBytes), ErrQueueFull)
	}
	if m.Type == wsapi.Binary {
		m.Data = append([]byte(nil), m.Data...) // the caller keeps b
	}
	s.queue = append(s.queue, m)
	s.queuedBytes += n
	return nil
}

// DrainQueue removes and returns the messages queued for the next open,
// in order: after the final close, those that were never sent.
func (s *Socket) DrainQueue() []wsapi.MessageEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue, s.queuedBytes = nil, 0
	return q
}

// Close closes the current connection, if any, with no status, and stops
// retrying: no attempt starts after it. It returns at once; Done tells
// when the final close was dispatched.
func (s *Socket) Close() error {
	s.close(0, "")
	return nil
}

// CloseWithStatus is Close with a code and reason, checked as
// wsapi.WebSocket.CloseWithStatus checks them; a call that fails closes
// nothing.
func (s *Socket) CloseWithStatus(code int, reason string) error {
	if code != 1000 && (code < 3000 || code > 4999) {
		return wrap("reconnect: failed to close: code "+strconv.Itoa(code)+" is neither 1000 nor in 3000-4999", wsapi.ErrInvalidAccess)
	}
	if len(reason) > 123 || !utf8.ValidString(reason) {
		return wrap("reconnect: failed to close: reason "+quoteShort(reason)+" is longer than 123 bytes or not UTF-8", wsapi.ErrSyntax)
	}
	s.close(code, reason)
	return nil
}

func (s *Socket) close(code int, reason string) {
	s.mu.Lock()
	if s.closeCalled || s.state == wsapi.Closed {
		s.mu.Unlock()
		return
	}
	s.closeCalled = true
	s.closeCode, s.closeReason = code, reason
	s.state = wsapi.Closing
	c := s.cur
	s.mu.Unlock()
	s.cancel() // a provider waiting gives up
	if c != nil {
		closeWS(c.ws, code, reason)
	}
	s.poke()
}

func closeWS(ws *wsapi.WebSocket, code int, reason string) {
	if code == 0 {
		ws.Close()
		return
	}
	ws.CloseWithStatus(code, reason) // checked by the Socket's own
}

// poke wakes the loop.
func (s *Socket) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// WaitOpen waits until the socket is open and returns nil, or returns why
// it never will be: Err once it is done, or ctx's error. Do not call it from a handler of the same socket.
func (s *Socket) WaitOpen(ctx context.Context) error {
	s.mu.Lock()
	s.decideLocked(kindOpen)
	if s.state == wsapi.Open {
		s.mu.Unlock()
		return nil
	}
	sig := s.openSig
	s.mu.Unlock()
	select {
	case <-sig:
		return nil
	case <-s.done:
		return s.Err()
	case <-ctx.Done():
		return wrap("reconnect: failed to wait for "+s.URL()+" to open", ctx.Err())
	}
}

// Done returns a channel closed after the final close: Close was called,
// the policy said stop, or the retries ran out. By then no goroutine,
// timer or browser listener of the socket is left: Done also waits for the
// connections given up on a dead link (IdleTimeout, offline), which close
// in the background, natively within wsapi.Options.CloseTimeout.
func (s *Socket) Done() <-chan struct{} {
	s.mu.Lock()
	s.decideLocked(kindClose)
	s.mu.Unlock()
	return s.done
}

// CloseEvent returns the close event of the latest connection and true
// once one has closed.
func (s *Socket) CloseEvent() (wsapi.CloseEvent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastClose, s.closed
}

// Err returns nil until Done is closed, then why the socket stopped, as
// wsapi.WebSocket.Err does: a *wsapi.CloseError with the latest
// connection's close (which wsapi.CloseStatus reads) after Close, wrapped
// with ErrStopped when the policy said stop, or with ErrRetriesExhausted.
func (s *Socket) Err() error {
	select {
	case <-s.done:
	default:
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return &wsapi.CloseError{CloseEvent: s.lastClose}
}
