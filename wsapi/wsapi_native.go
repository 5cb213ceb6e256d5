//go:build !js

package wsapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Chrome's timeouts of the closing handshake.
const (
	// defaultCloseTimeout is Options.CloseTimeout's default: how long
	// Chrome waits for the server's close frame.
	defaultCloseTimeout = 60 * time.Second
	// tcpCloseWait is how long Chrome, once both close frames crossed,
	// waits for the server to close TCP, when the client closed first.
	tcpCloseWait = 2 * time.Second
	// failWriteWait bounds the write of the close frame that tells the
	// server why the connection failed; Chrome closes at once.
	failWriteWait = time.Second
)

// nativeTransport is the backend on coder/websocket. Its goroutines: run
// dials, then serve reads and ends the connection; the writer, started by a
// send that cannot be written inline and ending once the queue is empty,
// writes the queue in order so that Send never blocks.
// coder/websocket moves the messages; the closing handshake is done here,
// through the frameTap, as Chrome does it.
type nativeTransport struct {
	ws           *WebSocket
	hs           *handshake
	readLimit    int64
	closeTimeout time.Duration
	pingInterval time.Duration
	pingTimeout  time.Duration

	cancelDial context.CancelFunc

	mu         sync.Mutex
	conn       *websocket.Conn // set at open
	tap        *frameTap       // set at open
	out        []outgoing      // messages and the close request, in order
	spare      []outgoing      // the writer's other array; see write
	closing    bool            // a close frame is queued: later sends are only counted
	writing    bool            // the writer runs, or a send writes inline
	spilled    bool            // an inline send left bytes for the writer
	stop       bool            // the reader is done: no writer starts again, later sends are only counted
	aborted    bool
	closeTimer *time.Timer // the closing handshake's deadline, once started
	timedOut   bool        // the closing handshake's deadline cut the connection
	buffered   bufferedCount
	drainCh    chan struct{} // see drained; on mu
	drainWant  atomic.Bool   // drainCh is waited on

	writers sync.WaitGroup // the writer, while it runs
	writeFn func()         // t.write, made once: go t.write() would allocate each time

	// Used by the reader only: the goroutine that reads, which may
	// change while a handler runs (see deliverHere).
	rbuf      []byte   // see readMessage
	probe     [64]byte // see readMessage
	stopPing  func()   // see startPing
	delivered uint64   // messages read; see backlog
	turnState

	// backlog: more messages were read from the connection than
	// delivered, so that a send from a handler goes to the writer rather
	// than being written inline, and the writing of its echo runs beside
	// the reading of the next; written by the reader.
	backlog atomic.Bool
}

// outgoing is one entry of the writer's queue: a message, or the close
// frame that ends the queue.
type outgoing struct {
	typ     MessageType
	data    []byte // a binary message
	text    string // a text message, or the close frame's reason
	isClose bool
	code    int // 1005: no status
	// handedOver: bufferedAmount stopped counting it when it was queued
	// (see handOverMax), not when it is written.
	handedOver bool
}

func dial(ws *WebSocket, rawURL string, o *Options) (transport, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	ws.url = u
	// The reader delivers messages itself when nothing else is pending
	// (deliverHere): a dispatcher that lingered would have them queued to
	// it instead, a goroutine switch each.
	ws.lingers = false
	hs := &handshake{protocols: o.Protocols}
	client, err := handshakeClient(o, hs)
	if err != nil {
		return nil, err
	}
	t := &nativeTransport{
		ws:           ws,
		hs:           hs,
		readLimit:    o.ReadLimit,
		closeTimeout: o.CloseTimeout,
		pingInterval: o.PingInterval,
		pingTimeout:  o.PingTimeout,
	}
	t.writeFn = t.write
	if t.closeTimeout <= 0 {
		t.closeTimeout = defaultCloseTimeout
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.cancelDial = cancel
	dopts := &websocket.DialOptions{
		HTTPClient:   client,
		HTTPHeader:   http.Header(o.Header).Clone(),
		Subprotocols: o.Protocols,
	}
	if o.Origin != "" {
		if dopts.HTTPHeader == nil {
			dopts.HTTPHeader = http.Header{}
		}
		dopts.HTTPHeader.Set("Origin", o.Origin)
	}
	if o.DisableCompression {
		dopts.CompressionMode = websocket.CompressionDisabled
	} else {
		dopts.CompressionMode = websocket.CompressionContextTakeover
	}
	// Chrome sends no credentials of the URL: net/http would turn them
	// into an Authorization header. URL() keeps them, as ws.url does.
	go t.run(ctx, withoutUserinfo(u), dopts)
	return t, nil
}

// run connects, and starts the goroutine that reads the connection.
func (t *nativeTransport) run(ctx context.Context, url string, dopts *websocket.DialOptions) {
	conn := t.connect(ctx, url, dopts)
	// The handshake is over: net/http and coder/websocket let go of its
	// context, and what they hung on it goes with it.
	t.cancelDial()
	if conn == nil {
		return
	}
	// The connection is read on a goroutine of its own: the handshake grew
	// this one's stack, which it would keep for as long as the socket is
	// open; a new one starts small and grows only as far as reading takes
	// it.
	go t.serve(conn)
}

// connect opens the connection, or reports why it did not and returns nil.
func (t *nativeTransport) connect(ctx context.Context, url string, dopts *websocket.DialOptions) *websocket.Conn {
	if err := checkPort(url); err != nil {
		t.fail(err)
		return nil
	}
	conn, _, err := websocket.Dial(ctx, url, dopts)
	if err != nil {
		t.fail(dialError(err))
		return nil
	}
	if t.readLimit > 0 {
		conn.SetReadLimit(t.readLimit)
	} else {
		conn.SetReadLimit(-1)
	}
	t.mu.Lock()
	if t.aborted {
		t.mu.Unlock()
		conn.CloseNow()
		return nil
	}
	t.conn = conn
	t.tap = t.hs.tap
	t.mu.Unlock()
	return conn
}

// serve reports open and reads until the connection ends (see readLoop).
func (t *nativeTransport) serve(conn *websocket.Conn) {
	t.stopPing = t.startPing(conn)
	t.ws.emitOpen(conn.Subprotocol(), t.hs.extensions)
	t.readLoop()
}

// dialError is the cause of a failed handshake: Chrome's wording where
// handshake checked the response, else what failed (refused, reset...).
func dialError(err error) error {
	var he *handshakeError
	if errors.As(err, &he) {
		return he
	}
	return err
}

// fail reports a connection that never opened: error, then close 1006.
func (t *nativeTransport) fail(err error) {
	t.ws.emitClose(CloseEvent{Code: 1006}, connectionError(t.ws.url, err))
}

// The read buffer: a message is read into t.rbuf, which grows by doubling
// from readBufStart, and is then copied out once, into a slice of exactly
// its length that the handler owns. coder's Read would allocate a buffer
// of its own for every message, 512 bytes first, then again and again as
// it grows. A buffer grown past readBufKeep for one large message is let go
// after it, and so is one over readBufSmall that a message used less than a
// quarter of, so that a socket keeps at most about four times the size of
// its last message.
const (
	readBufStart = 512
	readBufSmall = 4 << 10
	readBufKeep  = 64 << 10
)

func (t *nativeTransport) abort() {
	t.mu.Lock()
	t.aborted = true
	t.closing = true
	conn := t.conn
	t.mu.Unlock()
	t.cancelDial()
	if conn != nil {
		conn.CloseNow()
	}
}

func (t *nativeTransport) release() {}
