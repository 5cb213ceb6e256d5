//go:build !js

package wsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// chromeExtensionOffer is the Sec-WebSocket-Extensions header Chrome sends,
// so that a server negotiates the same extensions with both backends.
const chromeExtensionOffer = "permessage-deflate; client_max_window_bits"

// nativeTransport is the backend on coder/websocket. Three goroutines at
// most: run dials and then reads; the writer, started at open, writes the
// queue in order so that Send never blocks.
type nativeTransport struct {
	ws        *WebSocket
	protocols []string
	opts      *Options

	cancelDial context.CancelFunc

	mu       sync.Mutex
	conn     *websocket.Conn // set at open
	out      []outgoing      // messages and the close request, in order
	closing  bool            // close requested: later sends are only counted
	sent     outgoing        // the close request, once made
	stop     bool            // the reader is done: the writer may return
	aborted  bool
	wake     chan struct{}
	buffered atomic.Uint64

	writerDone  chan struct{}
	closeResult chan error // what conn.Close returned, when the client closed
}

// outgoing is one entry of the writer's queue: a message, or the close
// request that ends the queue.
type outgoing struct {
	typ     MessageType
	data    []byte
	isClose bool
	code    int
	reason  string
}

func dial(ws *WebSocket, rawURL string, o *Options) (transport, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	ws.url = u
	client, err := handshakeClient(o)
	if err != nil {
		return nil, err
	}
	t := &nativeTransport{
		ws:          ws,
		protocols:   o.Protocols,
		opts:        o,
		wake:        make(chan struct{}, 1),
		writerDone:  make(chan struct{}),
		closeResult: make(chan error, 1),
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
	go t.run(ctx, u, dopts)
	return t, nil
}

// handshakeClient returns the HTTP client for the handshake, with a
// transport that writes the handshake headers as Chrome does.
func handshakeClient(o *Options) (*http.Client, error) {
	var c http.Client
	if o.HTTPClient != nil {
		if o.HTTPClient.Timeout != 0 {
			return nil, fmt.Errorf("option HTTPClient has Timeout %v: it would cut the connection after the handshake; use the context of WaitOpen", o.HTTPClient.Timeout)
		}
		c = *o.HTTPClient
	}
	base := c.Transport
	if base == nil {
		base = handshakeTransport()
		if o.TLSConfig != nil {
			tr := handshakeTransport().Clone()
			tr.TLSClientConfig = o.TLSConfig.Clone()
			base = tr
		}
	}
	c.Transport = chromeHeaders{base}
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

// chromeHeaders rewrites the two handshake headers coder/websocket spells
// differently from Chrome: the protocol list is joined with ", ", and the
// extension offer is Chrome's. A server thus sees the same request from both
// backends and answers both the same.
type chromeHeaders struct{ base http.RoundTripper }

func (h chromeHeaders) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if p := r.Header.Values("Sec-WebSocket-Protocol"); len(p) > 0 {
		r.Header.Set("Sec-WebSocket-Protocol", strings.Join(strings.Split(strings.Join(p, ","), ","), ", "))
	}
	if r.Header.Get("Sec-WebSocket-Extensions") != "" {
		r.Header.Set("Sec-WebSocket-Extensions", chromeExtensionOffer)
	}
	return h.base.RoundTrip(r)
}

// run connects, then reads until the connection ends, and reports the close.
func (t *nativeTransport) run(ctx context.Context, url string, dopts *websocket.DialOptions) {
	defer t.cancelDial()
	conn, resp, err := websocket.Dial(ctx, url, dopts)
	if err != nil {
		t.fail(dialError(resp, err))
		return
	}
	// coder/websocket accepts a server that selects no subprotocol when
	// some were offered; Chrome fails the connection.
	if len(t.protocols) > 0 && conn.Subprotocol() == "" {
		conn.CloseNow()
		t.fail(errors.New("error during WebSocket handshake: Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received"))
		return
	}
	if conn.Subprotocol() != "" && !contains(t.protocols, conn.Subprotocol()) {
		conn.CloseNow() // coder compares without case; Chrome exactly
		t.fail(fmt.Errorf("error during WebSocket handshake: 'Sec-WebSocket-Protocol' header value %q in response does not match any of sent values", conn.Subprotocol()))
		return
	}
	if t.opts.ReadLimit > 0 {
		conn.SetReadLimit(t.opts.ReadLimit)
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
	t.mu.Unlock()
	go t.write(conn)
	t.ws.emitOpen(conn.Subprotocol(), resp.Header.Get("Sec-WebSocket-Extensions"))
	t.read(conn)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// dialError words a failed handshake as Chrome's console does.
func dialError(resp *http.Response, err error) error {
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("error during WebSocket handshake: Unexpected response code: %d", resp.StatusCode)
	}
	return err
}

// fail reports a connection that never opened: error, then close 1006.
func (t *nativeTransport) fail(err error) {
	t.ws.emitClose(CloseEvent{Code: 1006}, connectionError(t.ws.url, err))
}

// read delivers messages until the connection ends, then reports the close
// once the writer has stopped, so that no goroutine outlives the close event.
func (t *nativeTransport) read(conn *websocket.Conn) {
	var err error
	for {
		var typ websocket.MessageType
		var data []byte
		// A context that is never done: coder/websocket then sets no
		// timer per read. CloseNow is what interrupts a read.
		typ, data, err = conn.Read(context.Background())
		if err != nil {
			break
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			// Chrome fails the connection on a text message that is not
			// UTF-8, and tells the server 1007.
			err = errInvalidUTF8
			conn.Close(websocket.StatusInvalidFramePayloadData, "")
			break
		}
		t.ws.emitMessage(MessageType(typ), data)
		t.ws.waitRoom()
	}
	// Let the writer finish its queue (a close request included) and
	// return; a connection that did not close cleanly is cut first, so
	// that a writer stuck on a dead peer returns too.
	t.stopWriter()
	if !errors.As(err, new(websocket.CloseError)) {
		conn.CloseNow()
	}
	<-t.writerDone
	conn.CloseNow()
	ce, cerr := t.closeEvent(err)
	if cerr != nil && cerr != errAbrupt {
		t.ws.emitClose(ce, connectionError(t.ws.url, cerr))
		return
	}
	t.ws.emitClose(ce, nil)
}

var errInvalidUTF8 = errors.New("could not decode a text frame as UTF-8")

// closeEvent turns the error that ended the read loop into the close event,
// with the cause when the connection failed rather than closed.
func (t *nativeTransport) closeEvent(err error) (CloseEvent, error) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		return CloseEvent{Code: int(ce.Code), Reason: ce.Reason, WasClean: true}, nil
	}
	t.mu.Lock()
	closing, sent := t.closing, t.sent
	t.mu.Unlock()
	if closing && errors.Is(err, net.ErrClosed) {
		// Our own Close read the server's close frame before this loop
		// could: what it returned tells what the server sent. It returns
		// nil when the server echoed our code. The writer has returned.
		var res error = errNoCloseSent
		select {
		case res = <-t.closeResult:
		default:
		}
		if errors.As(res, &ce) {
			return CloseEvent{Code: int(ce.Code), Reason: ce.Reason, WasClean: true}, nil
		}
		if res == nil {
			return CloseEvent{Code: int(sent.status()), Reason: sent.reason, WasClean: true}, nil
		}
		return CloseEvent{Code: 1006}, res
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		// The server went away without a close frame: Chrome reports
		// close 1006 and no error, for it did not fail the connection.
		return CloseEvent{Code: 1006}, errAbrupt
	}
	return CloseEvent{Code: 1006}, err
}

// errNoCloseSent is the cause when the writer ended before it could send
// the close frame that was asked for.
var errNoCloseSent = errors.New("the connection failed before the close frame was sent")

// errAbrupt marks a connection that ended without a close frame and without
// a fault of the protocol: close 1006 with no error event.
var errAbrupt = errors.New("connection closed without a close frame")

// write sends the queue in order until the close request or a failure.
func (t *nativeTransport) write(conn *websocket.Conn) {
	defer close(t.writerDone)
	for {
		t.mu.Lock()
		for len(t.out) == 0 && !t.stop {
			t.mu.Unlock()
			<-t.wake
			t.mu.Lock()
		}
		if len(t.out) == 0 {
			t.mu.Unlock()
			return
		}
		m := t.out[0]
		t.out[0] = outgoing{}
		t.out = t.out[1:]
		t.mu.Unlock()

		if m.isClose {
			t.closeResult <- conn.Close(m.status(), m.reason)
			return
		}
		if err := conn.Write(context.Background(), websocket.MessageType(m.typ), m.data); err != nil {
			// The reader sees the broken connection too and reports it;
			// what is still queued stays counted, as in the browser.
			t.mu.Lock()
			t.closing = true
			t.mu.Unlock()
			return
		}
		t.buffered.Add(^uint64(len(m.data) - 1))
	}
}

// status is the close code to put on the wire: 1005 stands for none.
func (m outgoing) status() websocket.StatusCode {
	if m.code == 0 {
		return websocket.StatusNoStatusRcvd
	}
	return websocket.StatusCode(m.code)
}

func (t *nativeTransport) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *nativeTransport) send(typ MessageType, data []byte) {
	t.buffered.Add(uint64(len(data)))
	t.mu.Lock()
	if t.closing {
		t.mu.Unlock()
		return
	}
	t.out = append(t.out, outgoing{typ: typ, data: data})
	t.mu.Unlock()
	t.signal()
}

func (t *nativeTransport) bufferedAmount() uint64 { return t.buffered.Load() }

func (t *nativeTransport) close(code int, reason string) {
	t.mu.Lock()
	if t.closing {
		t.mu.Unlock()
		return
	}
	t.closing = true
	t.sent = outgoing{isClose: true, code: code, reason: reason}
	t.out = append(t.out, t.sent)
	t.mu.Unlock()
	t.signal()
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
