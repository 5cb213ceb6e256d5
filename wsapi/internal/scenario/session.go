//go:build !js

package scenario

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
)

// session is one request to a recording endpoint.
type session struct {
	s   *Server
	ctx context.Context // done at the handler's deadline or at Server.Close
	id  string
}

func (ss *session) record(format string, args ...any) {
	ss.s.record(ss.id, fmt.Sprintf(format, args...))
}

func (ss *session) logf(format string, args ...any) {
	ss.s.opts.Logf("scenario: %s: "+format, append([]any{ss.id}, args...)...)
}

// trackingWriter hands out the hijacked connection (to coder/websocket or to
// the raw endpoints) and ties its life to the handler's context. That is the
// one place where the deadline and Server.Close reach a hijacked connection,
// which net/http no longer knows about; coder/websocket's own Close waits up
// to 10 s and would otherwise hold Close up.
type trackingWriter struct {
	http.ResponseWriter
	ctx    context.Context
	status int // the first status written, for the `refused` line
	conn   net.Conn
	stop   func() bool   // stops the context.AfterFunc that closes conn
	done   chan struct{} // closed once that AfterFunc has closed conn
}

func (tw *trackingWriter) WriteHeader(code int) {
	if tw.status == 0 {
		tw.status = code
	}
	tw.ResponseWriter.WriteHeader(code)
}

func (tw *trackingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := tw.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("scenario: response writer cannot hijack")
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	tw.conn = conn
	tw.done = make(chan struct{})
	tw.stop = context.AfterFunc(tw.ctx, func() {
		conn.Close()
		close(tw.done)
	})
	return conn, brw, nil
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (tw *trackingWriter) Unwrap() http.ResponseWriter { return tw.ResponseWriter }

// release closes the hijacked connection, if any, when the handler returns,
// and makes sure the goroutine that context.AfterFunc may have started is
// gone too, so that nothing outlives Server.Close.
func (tw *trackingWriter) release() {
	if tw.conn == nil {
		return
	}
	if tw.stop() {
		tw.conn.Close()
		return
	}
	<-tw.done
}
