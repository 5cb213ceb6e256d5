//go:build !js

package wsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

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

// nativeTransport is the backend on coder/websocket. Three goroutines at
// most: run dials, then reads, then ends the connection; the writer,
// started at open, writes the queue in order so that Send never blocks.
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
	closing    bool            // a close frame is queued: later sends are only counted
	writing    bool            // the writer has a batch under way
	stop       bool            // the reader is done: the writer may return
	aborted    bool
	closeTimer *time.Timer // the closing handshake's deadline, once started
	timedOut   bool        // the closing handshake's deadline cut the connection
	wake       chan struct{}
	buffered   bufferedCount
	drainCh    chan struct{} // see drained; on mu
	drainWant  atomic.Bool   // drainCh is waited on

	writerDone chan struct{}

	// Used by the reader only.
	rbuf  []byte   // see readMessage
	probe [64]byte // see readMessage
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
		wake:         make(chan struct{}, 1),
		writerDone:   make(chan struct{}),
	}
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

// withoutUserinfo removes "user:pass@" from a URL as parseURL serializes
// it, where an "@" of the credentials is percent-encoded.
func withoutUserinfo(u string) string {
	scheme, rest, _ := strings.Cut(u, "://")
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + "://" + rest
}

// handshakeClient returns the HTTP client for the handshake: its transport
// is hs, on the transport of Options.HTTPClient or one without keep-alives.
func handshakeClient(o *Options, hs *handshake) (*http.Client, error) {
	var c http.Client
	if o.HTTPClient != nil {
		if o.HTTPClient.Timeout != 0 {
			return nil, fmt.Errorf("option HTTPClient has Timeout %v: it would cut the connection after the handshake; use the context of WaitOpen", o.HTTPClient.Timeout)
		}
		c = *o.HTTPClient
	}
	hs.base = c.Transport
	if hs.base == nil {
		hs.base = handshakeTransport()
		if o.TLSConfig != nil {
			tr := handshakeTransport().Clone()
			tr.TLSClientConfig = o.TLSConfig.Clone()
			hs.base = tr
		}
	}
	c.Transport = hs
	// Chrome fails a handshake answered with a redirect; following one
	// would also carry the handshake's headers elsewhere, from wss to ws
	// even. hs refuses every status but 101 already; this says it twice.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c, nil
}

// handshakeTransport is http.DefaultTransport without keep-alives: like
// Chrome, every socket gets a connection of its own, and a refused handshake
// leaves no idle connection behind.
var handshakeTransport = sync.OnceValue(func() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	return tr
})

// run connects, then reads until the connection ends, and reports the close.
func (t *nativeTransport) run(ctx context.Context, url string, dopts *websocket.DialOptions) {
	defer t.cancelDial()
	if err := checkPort(url); err != nil {
		t.fail(err)
		return
	}
	conn, _, err := websocket.Dial(ctx, url, dopts)
	if err != nil {
		t.fail(dialError(err))
		return
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
		return
	}
	t.conn = conn
	t.tap = t.hs.tap
	t.mu.Unlock()
	go t.write(conn)
	stopPing := t.startPing(conn)
	t.ws.emitOpen(conn.Subprotocol(), t.hs.extensions)
	ce, cause := t.read(conn)
	stopPing()
	if cause != nil {
		t.ws.emitClose(ce, connectionError(t.ws.url, cause))
		return
	}
	t.ws.emitClose(ce, nil)
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

// read delivers messages until the connection ends, then ends it as Chrome
// would and returns the close event, with the cause when the connection
// failed. No goroutine of the socket's outlives it.
func (t *nativeTransport) read(conn *websocket.Conn) (CloseEvent, error) {
	var err error
	for {
		var typ websocket.MessageType
		var data []byte
		typ, data, err = t.readMessage(conn)
		if err != nil {
			break
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			t.tap.setFailure(errTextUTF8)
			break
		}
		if t.ws.emitMessage(MessageType(typ), data) {
			t.ws.waitRoom()
		}
	}
	t.rbuf = nil
	ce, cause := t.end(err)
	t.stopTimer()
	t.tap.cut()
	t.stopWriter()
	<-t.writerDone
	conn.CloseNow()
	return ce, cause
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

// readMessage reads the next message whole and returns a copy of it.
func (t *nativeTransport) readMessage(conn *websocket.Conn) (websocket.MessageType, []byte, error) {
	// A context that is never done: coder/websocket then sets no timer
	// per read. Cutting the connection interrupts a read.
	typ, r, err := conn.Reader(context.Background())
	if err != nil {
		return 0, nil, err
	}
	buf := t.rbuf[:0]
	for {
		if len(buf) == cap(buf) && cap(buf) > 0 {
			// Full: the message may be exactly this long. Probe
			// before growing, so that such a message, 64 KiB say,
			// keeps its buffer at its size.
			n, err := r.Read(t.probe[:])
			if err == io.EOF && n == 0 {
				break
			}
			grown := make([]byte, len(buf), 2*cap(buf))
			copy(grown, buf)
			buf = append(grown, t.probe[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.rbuf = buf[:0]
				return 0, nil, err
			}
			continue
		}
		if cap(buf) == 0 {
			buf = make([]byte, 0, readBufStart)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			t.rbuf = buf[:0]
			return 0, nil, err
		}
	}
	data := make([]byte, len(buf))
	copy(data, buf)
	if cap(buf) > readBufKeep || (cap(buf) > readBufSmall && len(buf) < cap(buf)/4) {
		buf = nil
	}
	t.rbuf = buf[:0]
	return typ, data, nil
}

// end decides how the connection ended, once coder is done reading, and
// completes the closing handshake where there is one to complete.
func (t *nativeTransport) end(readErr error) (CloseEvent, error) {
	tap := t.tap
	if pe := tap.failed(); pe != nil {
		return t.failProtocol(pe)
	}
	if sc := tap.closeReceived(); sc != nil {
		return t.closedByServer(sc)
	}
	if tap.wasCut() || tap.readError() != nil {
		// The closing handshake's deadline, or the network (the server
		// went away, a reset): the connection ended without a close
		// frame, and Chrome then fires close 1006 and no error, for it
		// did not fail the connection.
		return CloseEvent{Code: 1006}, nil
	}
	// coder/websocket failed the connection itself, and told the server
	// why: 1009 past Options.ReadLimit, 1002 with its own reason for a
	// protocol error the tap lets through.
	return CloseEvent{Code: 1006}, readErr
}

// failProtocol fails the connection on a frame Chrome refuses: close 1002
// with Chrome's reason, if no close frame went out yet, then TCP is cut, as
// Chrome does. The close frame waits for a frame coder/websocket is
// writing to end, for failWriteWait at most: giving up at once lost the
// close frame whenever an echo was on its way out.
func (t *nativeTransport) failProtocol(pe *protocolError) (CloseEvent, error) {
	timer := time.AfterFunc(failWriteWait, t.tap.cut)
	_ = t.tap.inject(1002, pe.reason, true)
	timer.Stop()
	t.tap.cut()
	return CloseEvent{Code: 1006}, pe
}

// closedByServer completes the closing handshake after the server's close
// frame, as Chrome does. The close event carries the server's code and
// reason, whoever closed first.
func (t *nativeTransport) closedByServer(sc *serverClose) (CloseEvent, error) {
	ce := CloseEvent{Code: sc.code, Reason: sc.reason, WasClean: true}
	if sc.afterOurs {
		// The client closed first, and the closing handshake is done:
		// Chrome waits a little more for the server to close TCP, as the
		// server should, then closes it itself.
		t.stopTimer()
		switch t.tap.awaitEnd(min(tcpCloseWait, t.closeTimeout)) {
		case tcpStray:
			return t.failProtocol(errAfterClose)
		case tcpBroken:
			ce.WasClean = false
		}
		return ce, nil
	}
	// The server closed first: answer with its code and reason, after
	// what was queued, then close TCP at once.
	t.echo(sc.code, sc.reason)
	t.stopWriter()
	<-t.writerDone
	if t.tap.stray {
		// More came after the close frame, in the same read.
		return t.failProtocol(errAfterClose)
	}
	t.mu.Lock()
	timedOut := t.timedOut
	t.mu.Unlock()
	if rerr := t.tap.readError(); timedOut || rerr != nil && !errors.Is(rerr, io.EOF) {
		ce.WasClean = false
	}
	return ce, nil
}

// write sends the queue in order until the close frame or a failure. It
// takes the whole queue at once, and gives the writer's previous batch, now
// empty, in its place: the two arrays take turns, so a steady stream of
// sends allocates nothing for the queue.
func (t *nativeTransport) write(conn *websocket.Conn) {
	defer close(t.writerDone)
	var batch []outgoing
	for {
		t.mu.Lock()
		t.writing = false
		for len(t.out) == 0 && !t.stop {
			t.mu.Unlock()
			<-t.wake
			t.mu.Lock()
		}
		if len(t.out) == 0 {
			t.mu.Unlock()
			return
		}
		batch, t.out = t.out, batch[:0]
		t.writing = true
		t.mu.Unlock()

		for i := range batch {
			m := batch[i]
			batch[i] = outgoing{}
			if m.isClose {
				// Between two of coder's frames; an error means the
				// connection is gone, which the reader sees too.
				_ = t.tap.inject(m.code, m.text, true)
				return
			}
			data, n := m.data, len(m.data)
			if m.typ == Text {
				// coder/websocket only reads what it is given: it
				// masks a copy, in its own buffer.
				data, n = unsafe.Slice(unsafe.StringData(m.text), len(m.text)), len(m.text)
			}
			if err := writeMessage(conn, websocket.MessageType(m.typ), data, t.hs.compressMax); err != nil {
				// The reader sees the broken connection too and
				// reports it; what is still queued stays counted,
				// as in the browser.
				t.mu.Lock()
				t.closing = true
				t.mu.Unlock()
				return
			}
			if !m.handedOver {
				t.buffered.wrote(n)
			}
			if t.drainWant.Load() {
				t.signalDrained()
			}
		}
		if cap(batch) > maxBatchKeep {
			batch = nil // a burst is over: let its array go
		}
	}
}

// writeMessage writes one message, compressed by coder/websocket's rule
// unless it is longer than compressMax (when not 0), the longest message
// the server's window allows the client to compress. coder decides by the
// first Write of a message whether to compress it all: an empty first
// Write keeps it plain, in two frames and an empty final one.
func writeMessage(conn *websocket.Conn, typ websocket.MessageType, data []byte, compressMax int) error {
	ctx := context.Background()
	if compressMax == 0 || len(data) <= compressMax {
		return conn.Write(ctx, typ, data)
	}
	w, err := conn.Writer(ctx, typ)
	if err != nil {
		return err
	}
	if _, err := w.Write(nil); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.Close()
}

// maxBatchKeep is the most entries the writer's arrays keep between bursts.
const maxBatchKeep = 1024

func (t *nativeTransport) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *nativeTransport) sendText(s string) { t.queue(outgoing{typ: Text, text: s}, len(s)) }

func (t *nativeTransport) sendBinary(b []byte) {
	t.queue(outgoing{typ: Binary, data: append([]byte(nil), b...)}, len(b))
}

func (t *nativeTransport) queue(m outgoing, n int) {
	t.buffered.add(n)
	t.mu.Lock()
	if t.closing {
		t.mu.Unlock()
		return
	}
	m.handedOver = !t.writing && len(t.out) == 0 && n <= handOverMax
	t.out = append(t.out, m)
	t.mu.Unlock()
	if m.handedOver {
		t.buffered.wrote(n)
	}
	t.signal()
}

// handOverMax is the largest message that leaves bufferedAmount as soon as
// it is sent, when the writer is idle. Chrome's send hands the message at
// once to its network service, through a pipe of a few tens of KiB, and
// bufferedAmount falls by what the pipe took from the next task on, however
// long the network then takes; so a small message sent from one handler is
// no longer counted in the next, though the echo of an earlier one may
// have been waiting. Here the idle writer is the pipe.
const handOverMax = 64 << 10

func (t *nativeTransport) bufferedAmount() uint64 { return t.buffered.amount() }

func (t *nativeTransport) beginTask() { t.buffered.begin() }
func (t *nativeTransport) endTask()   { t.buffered.end() }
func (t *nativeTransport) yieldTask() { t.buffered.yield() }

func (t *nativeTransport) close(code int, reason string) {
	if code == 0 {
		code = 1005 // close() without a code: a close frame without payload
	}
	t.queueClose(code, reason)
}

// echo answers the server's close frame, unless a close frame of the
// client's is queued already.
func (t *nativeTransport) echo(code int, reason string) { t.queueClose(code, reason) }

// queueClose queues the client's close frame after the messages queued, and
// starts the closing handshake's deadline.
func (t *nativeTransport) queueClose(code int, reason string) {
	t.mu.Lock()
	if t.closing {
		t.mu.Unlock()
		return
	}
	t.closing = true
	t.out = append(t.out, outgoing{isClose: true, code: code, text: reason})
	if t.closeTimer == nil {
		t.closeTimer = time.AfterFunc(t.closeTimeout, t.closeTimedOut)
	}
	t.mu.Unlock()
	t.signal()
}

// closeTimedOut cuts a connection whose closing handshake took too long:
// the server never answered, or never read what was queued before the
// close frame.
func (t *nativeTransport) closeTimedOut() {
	t.mu.Lock()
	t.timedOut = true
	tap := t.tap
	t.mu.Unlock()
	if tap != nil {
		tap.cut()
	}
}

func (t *nativeTransport) stopTimer() {
	t.mu.Lock()
	if t.closeTimer != nil {
		t.closeTimer.Stop()
	}
	t.mu.Unlock()
}

// stopWriter lets the writer return once its queue is empty.
func (t *nativeTransport) stopWriter() {
	t.mu.Lock()
	t.stop = true
	t.mu.Unlock()
	t.signal()
}

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
