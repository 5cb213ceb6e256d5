package reconnect

import (
	"context"
	"sync"
	"time"

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
