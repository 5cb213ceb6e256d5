//go:build !js

package scenario

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

// acceptOptions are the polite endpoints' options. Origins are not checked:
// Node sends none and the test pages come from this server anyway.
// Compression stays off so that every client reads Extensions() as "".
func acceptOptions(subprotocols []string) *websocket.AcceptOptions {
	return &websocket.AcceptOptions{
		Subprotocols:       subprotocols,
		InsecureSkipVerify: true,
		CompressionMode:    websocket.CompressionDisabled,
	}
}

// recordRequest writes the `request` line: the two headers as the client
// sent them (several header lines joined as HTTP joins them).
func (ss *session) recordRequest(r *http.Request) {
	ss.record("request protocols=%q extensions=%q",
		strings.Join(r.Header.Values("Sec-WebSocket-Protocol"), ", "),
		strings.Join(r.Header.Values("Sec-WebSocket-Extensions"), ", "))
}

// recordEnd writes how a coder/websocket connection ended: the client's
// close frame, or `gone` for anything else.
func (ss *session) recordEnd(err error) {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		ss.record("close %d %q", int(ce.Code), ce.Reason)
		return
	}
	ss.logf("read: %v", err)
	ss.record("gone")
}

// refuseBad answers a request the endpoint cannot serve, before any upgrade,
// and records it like /refuse does, so that a mistyped scenario URL shows
// in the trace instead of as a mysterious failure.
func (ss *session) refuseBad(w http.ResponseWriter, msg string) {
	ss.logf("bad request: %s", msg)
	http.Error(w, "scenario: "+msg, http.StatusBadRequest)
	ss.record("refused %d", http.StatusBadRequest)
}

// accept upgrades with coder/websocket. On failure Accept has answered
// already; the status it chose is recorded.
func (ss *session) accept(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions) *websocket.Conn {
	c, err := websocket.Accept(w, r, opts)
	if err != nil {
		ss.logf("accept: %v", err)
		status := http.StatusInternalServerError
		if tw, ok := w.(*trackingWriter); ok && tw.status != 0 {
			status = tw.status
		}
		ss.record("refused %d", status)
		return nil
	}
	return c
}

// echo is /echo, /echo?accept=b,c, and /echo?compress=takeover or
// compress=no-takeover, which negotiate permessage-deflate so that the
// clients' Extensions() can be compared.
func (ss *session) echo(w http.ResponseWriter, r *http.Request) {
	var protos []string
	if a := r.URL.Query().Get("accept"); a != "" {
		protos = strings.Split(a, ",")
	}
	opts := acceptOptions(protos)
	switch r.URL.Query().Get("compress") {
	case "takeover":
		opts.CompressionMode = websocket.CompressionContextTakeover
	case "no-takeover":
		opts.CompressionMode = websocket.CompressionNoContextTakeover
	}
	c := ss.accept(w, r, opts)
	if c == nil {
		return
	}
	defer c.CloseNow()
	ss.recordRequest(r)
	c.SetReadLimit(-1)
	for {
		typ, data, err := c.Read(ss.ctx)
		if err != nil {
			// A close frame from the client has been echoed by
			// coder/websocket before Read returns it.
			ss.recordEnd(err)
			return
		}
		kind := "text"
		if typ == websocket.MessageBinary {
			kind = "binary"
		}
		ss.record("recv %s %d", kind, len(data))
		if err := c.Write(ss.ctx, typ, data); err != nil {
			// The connection is closed now; the next Read says how.
			ss.logf("echo write: %v", err)
		}
	}
}

// rawAccept checks and answers the handshake by hand on the hijacked
// connection, and records the request line.
func (ss *session) rawAccept(w http.ResponseWriter, r *http.Request, reply handshakeReply) (net.Conn, *bufio.ReadWriter, bool) {
	if msg := checkHandshake(r); msg != "" {
		ss.refuseBad(w, msg)
		return nil, nil, false
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		ss.logf("hijack: %v", err)
		http.Error(w, "scenario: cannot hijack", http.StatusInternalServerError)
		ss.record("refused %d", http.StatusInternalServerError)
		return nil, nil, false
	}
	if err := writeHandshake(brw.Writer, r, reply); err != nil {
		ss.logf("handshake: %v", err)
		ss.record("gone")
		return nil, nil, false
	}
	ss.recordRequest(r)
	return conn, brw, true
}

// pick is /pick?proto=c: the server names subprotocol c even if the client
// did not offer it, which a client must treat as a failed connection.
// Without proto no Sec-WebSocket-Protocol is sent; with proto= it is sent
// empty. Likewise ext= is sent as Sec-WebSocket-Extensions, whatever was
// offered, and accept=bad answers with a wrong Sec-WebSocket-Accept.
func (ss *session) pick(w http.ResponseWriter, r *http.Request) {
	var reply handshakeReply
	q := r.URL.Query()
	if q.Has("proto") {
		p := q.Get("proto")
		reply.protocol = &p
	}
	if q.Has("ext") {
		e := q.Get("ext")
		reply.extensions = &e
	}
	switch a := q.Get("accept"); a {
	case "":
	case "bad":
		reply.badAccept = true
	default:
		ss.refuseBad(w, fmt.Sprintf("bad accept %q (want bad)", a))
		return
	}
	_, brw, ok := ss.rawAccept(w, r, reply)
	if !ok {
		return
	}
	ss.readUntilClose(brw.Reader, brw.Writer, true)
}

// closeParams reads code (default 1000) and reason (default "").
func closeParams(r *http.Request) (uint16, string, error) {
	q := r.URL.Query()
	code := uint64(1000)
	if s := q.Get("code"); s != "" {
		var err error
		code, err = strconv.ParseUint(s, 10, 16)
		if err != nil {
			return 0, "", fmt.Errorf("bad code %q", s)
		}
	}
	return uint16(code), q.Get("reason"), nil
}

// serverClose sends the server's close frame, then waits a little for the
// client's and records it. The handler returning closes TCP, which is the
// server's job once both close frames have crossed.
func (ss *session) serverClose(conn net.Conn, brw *bufio.ReadWriter, payload []byte) {
	if err := writeFrame(brw.Writer, wsframe.OpClose, payload); err != nil {
		ss.logf("write close: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(ss.s.closeWait))
	ss.readUntilClose(brw.Reader, brw.Writer, false)
}

// close is /close?code=4001&reason=x. It is raw rather than coder's Close so
// that the client's reply is recorded exactly (coder reports it only when
// its code differs) and so that any code can be sent, valid or not; code
// 1005 sends a close frame without payload.
func (ss *session) close(w http.ResponseWriter, r *http.Request) {
	code, reason, err := closeParams(r)
	if err != nil {
		ss.refuseBad(w, err.Error())
		return
	}
	conn, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	ss.serverClose(conn, brw, closePayload(code, reason))
}

// closeEmpty is /close-empty: a close frame with no status at all, which a
// client reports as 1005.
func (ss *session) closeEmpty(w http.ResponseWriter, r *http.Request) {
	conn, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	ss.serverClose(conn, brw, nil)
}

// drop is /drop: TCP ends right after the handshake, without a close frame,
// which a client reports as 1006.
func (ss *session) drop(w http.ResponseWriter, r *http.Request) {
	conn, _, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	if err := conn.Close(); err != nil {
		ss.logf("drop: %v", err)
	}
	ss.record("dropped")
}

// refuse is /refuse?status=403 (default 403): no upgrade at all.
func (ss *session) refuse(w http.ResponseWriter, r *http.Request) {
	status := http.StatusForbidden
	if s := r.URL.Query().Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 200 || n > 599 {
			ss.refuseBad(w, fmt.Sprintf("bad status %q (want 200-599)", s))
			return
		}
		status = n
	}
	http.Error(w, fmt.Sprintf("scenario: refused with %d", status), status)
	ss.record("refused %d", status)
}

// maxPush bounds /push?n= so that a typo cannot flood the client.
const maxPush = 100000

// push is /push?n=3&code=1000&reason=done: n text messages "push 1".."push
// n", then a close frame. Raw for the same reason as close.
func (ss *session) push(w http.ResponseWriter, r *http.Request) {
	code, reason, err := closeParams(r)
	if err != nil {
		ss.refuseBad(w, err.Error())
		return
	}
	n := 0
	if s := r.URL.Query().Get("n"); s != "" {
		n, err = strconv.Atoi(s)
		if err != nil || n < 0 || n > maxPush {
			ss.refuseBad(w, fmt.Sprintf("bad n %q (want 0-%d)", s, maxPush))
			return
		}
	}
	conn, brw, ok := ss.rawAccept(w, r, handshakeReply{})
	if !ok {
		return
	}
	for i := 1; i <= n; i++ {
		if err := writeFrame(brw.Writer, wsframe.OpText, fmt.Appendf(nil, "push %d", i)); err != nil {
			ss.logf("push: %v", err)
			break
		}
	}
	ss.serverClose(conn, brw, closePayload(code, reason))
}

// observe is /observe?id=X. It accepts at once, then waits for X's handlers,
// so that the client sees a connection rather than a slow handshake.
func (ss *session) observe(w http.ResponseWriter, r *http.Request) {
	// Not ss.accept: a failure here must not be recorded under X.
	c, err := websocket.Accept(w, r, acceptOptions(nil))
	if err != nil {
		ss.logf("observe accept: %v", err)
		return
	}
	defer c.CloseNow()
	for _, line := range ss.s.waitIdle(ss.ctx, ss.id, ss.s.observeWait) {
		if err := c.Write(ss.ctx, websocket.MessageText, []byte(line)); err != nil {
			ss.logf("observe write: %v", err)
			return
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		ss.logf("observe close: %v", err)
	}
}
