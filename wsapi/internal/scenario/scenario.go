//go:build !js

// Package scenario is the server that the wsapi scenario tests talk to.
//
// The same scenarios run natively, in Node and in Chromium, and each run
// must be comparable line by line with a trace recorded in Chrome. So the
// server does two jobs: it behaves in a fixed, scripted way per endpoint
// (echo, close with a code, drop the TCP connection, refuse the upgrade...),
// and it writes down what it saw from the client as "observation" lines,
// keyed by the id query parameter, which the client later fetches through
// /observe. The server's view is what tells a polite close from a dropped
// connection, which the client's own events cannot show.
//
// Endpoints where a well-behaved server is wanted use coder/websocket.
// Endpoints that need exact control of the bytes on the wire (a close frame
// without payload, a subprotocol the client never offered, a close reply
// recorded as it was sent) hijack the connection and speak RFC 6455 by hand.
//
// # Endpoints
//
// Every URL takes ?id=ID; what the handler sees is recorded under ID.
//
//   - /echo: echoes every message; ?accept=b,c selects the first of those
//     subprotocols the client offered; ?compress=takeover or no-takeover
//     negotiates permessage-deflate.
//   - /pick?proto=c: raw; answers with subprotocol c whatever was offered
//     (no proto: no header; proto=: an empty one), then reads until the
//     client closes or goes away, and echoes the client's close frame.
//     ?ext=... answers with that Sec-WebSocket-Extensions (";" written
//     %3B: Go's query parser drops a pair with a raw one), ?accept=bad
//     with a wrong Sec-WebSocket-Accept.
//   - /deflate?ext=...: raw; answers with that Sec-WebSocket-Extensions as
//     /pick does, then echoes every message, uncompressed, inflating what
//     the client compressed; ?wire=1 marks those "deflated".
//   - /close?code=4001&reason=x: raw; closes with that code and reason.
//   - /close-empty: raw; closes with a close frame without payload.
//   - /drop: raw; closes TCP right after the handshake.
//   - /refuse?status=403: answers with that HTTP status, no upgrade.
//   - /push?n=3&code=1000&reason=done: raw; sends "push 1".."push n",
//     then closes with that code and reason.
//   - /send?f=text:ok&f=masked+text:x: raw; sends the frames f describe
//     (see frameSpec) in one write, then reads as /pick does, without
//     echoing the client's close frame if one of them was a close frame.
//   - /reset: raw; reads the client's first message, then resets TCP.
//   - /redirect?to=/echo: answers 302 with that path and the same query.
//   - /flood?reason=server: raw; sends text messages until the client's
//     close frame, then answers it with the client's code and this reason.
//   - /hold: raw; reads, but never answers the client's close frame.
//   - /stall?ms=2000: raw; reads nothing for that long, then discards.
//   - /observe?id=ID: sends the lines recorded for ID, one text message
//     each, once ID's handlers have returned, then closes with 1000.
//   - /files/...: the static files of Options.Files.
//
// # Observation lines
//
//	request protocols="<Sec-WebSocket-Protocol>" extensions="<Sec-WebSocket-Extensions>"
//	recv text <len> | recv binary <len>
//	bad deflate               /deflate could not inflate a message
//	close <code> "<reason>"   the client's close frame (1005: no status)
//	gone                      the connection ended without a client close frame
//	dropped                   /drop closed TCP
//	refused <status>          /refuse (or a bad request) answered without upgrade
//	bad close "<payload>"     raw endpoints: a 1-byte close payload, which has no code
//	reset                     /reset reset TCP
//	redirect 302              /redirect answered
//	eof                       /hold, /stall: the client closed TCP
//
// Quoted values are written with Go's %q. The request header values are
// the header lines as received, joined with ", " if there were several.
// Handlers without an id record under the empty id.
//
// The package is native only: the js/wasm side of the tests reaches a
// server that the native side started, through WSAPI_SERVER.
package scenario

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Time limits. They keep a misbehaving client (or a bug in the library under
// test) from holding a handler, and therefore a test run, open for long.
const (
	// maxLife bounds a handler, hijacked connection included.
	maxLife = 10 * time.Second
	// closeWait bounds the wait for the client's reply to a close frame
	// the server sent.
	closeWait = 2 * time.Second
	// observeWait bounds how long /observe waits for the observed handlers.
	observeWait = 3 * time.Second
)

// Options configures a Server.
type Options struct {
	// Files is served under /files/: the test pages, the scenario list and
	// the JavaScript interpreter, so that a browser page and its WebSockets
	// share one origin. Defaults to nil, which serves no files.
	Files fs.FS

	// Logf, if set, receives one line per request and per unexpected error,
	// for debugging a scenario by hand. Defaults to no logging.
	Logf func(format string, args ...any)
}

func (o *Options) cloneWithDefaults() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	return &c
}

// Server is the scenario server. It is an http.Handler; Start runs one on a
// local port.
type Server struct {
	opts  *Options
	files http.Handler // nil without Options.Files

	// The time limits; fields so that tests can shorten them.
	life, closeWait, observeWait time.Duration

	ctx    context.Context // cancelled by Close; every handler derives from it
	cancel context.CancelFunc
	wg     sync.WaitGroup // running handlers

	mu     sync.Mutex
	closed bool
	ids    map[string]*record
}

// record is what the server knows about one id.
type record struct {
	lines []string
	// active counts the handlers running for the id; idle is closed when
	// it drops to zero, which is what /observe waits for.
	active int
	idle   chan struct{}
}

// New returns a Server. Call Close to end the connections it holds.
func New(opts *Options) *Server {
	opts = opts.cloneWithDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:        opts,
		life:        maxLife,
		closeWait:   closeWait,
		observeWait: observeWait,
		ctx:         ctx,
		cancel:      cancel,
		ids:         make(map[string]*record),
	}
	if opts.Files != nil {
		s.files = http.StripPrefix("/files", http.FileServerFS(opts.Files))
	}
	return s
}

// ServeHTTP routes to the endpoints listed in the package documentation.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "scenario server closed", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	s.opts.Logf("scenario: %s %s", r.Method, r.URL)

	if s.files != nil && strings.HasPrefix(r.URL.Path, "/files/") {
		// Test pages and scripts change while someone records by hand;
		// a cached copy would record the old version.
		w.Header().Set("Cache-Control", "no-store")
		s.files.ServeHTTP(w, r)
		return
	}

	var h func(*session, http.ResponseWriter, *http.Request)
	switch r.URL.Path {
	case "/echo":
		h = (*session).echo
	case "/pick":
		h = (*session).pick
	case "/deflate":
		h = (*session).deflate
	case "/close":
		h = (*session).close
	case "/close-empty":
		h = (*session).closeEmpty
	case "/drop":
		h = (*session).drop
	case "/refuse":
		h = (*session).refuse
	case "/push":
		h = (*session).push
	case "/send":
		h = (*session).sendFrames
	case "/reset":
		h = (*session).reset
	case "/redirect":
		h = (*session).redirect
	case "/flood":
		h = (*session).flood
	case "/hold":
		h = (*session).hold
	case "/stall":
		h = (*session).stall
	case "/observe":
		h = (*session).observe
	default:
		http.NotFound(w, r)
		return
	}

	ctx, cancel := context.WithTimeout(s.ctx, s.life)
	defer cancel()
	ss := &session{s: s, ctx: ctx, id: r.URL.Query().Get("id")}
	// /observe reads the lines of its id; counting it as a handler of that
	// id would make it wait for itself.
	if r.URL.Path != "/observe" {
		s.begin(ss.id)
		defer s.end(ss.id)
	}
	tw := &trackingWriter{ResponseWriter: w, ctx: ctx}
	defer tw.release()
	h(ss, tw, r)
}

// Observations returns a copy of the lines recorded for id so far.
func (s *Server) Observations(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.ids[id]; rec != nil {
		return append([]string(nil), rec.lines...)
	}
	return nil
}

// Close ends every connection the server holds, hijacked ones included,
// and waits for its handlers to return. Later requests get 503.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

// begin marks a handler for id as running.
func (s *Server) begin(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.ids[id]
	if rec == nil {
		rec = &record{}
		s.ids[id] = rec
	}
	if rec.active == 0 {
		rec.idle = make(chan struct{})
	}
	rec.active++
}

// end marks a handler for id as returned.
func (s *Server) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.ids[id]
	rec.active--
	if rec.active == 0 {
		close(rec.idle)
	}
}

func (s *Server) record(id, line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.ids[id]
	if rec == nil {
		rec = &record{}
		s.ids[id] = rec
	}
	rec.lines = append(rec.lines, line)
}

// waitIdle waits until no handler of id is running, or for at most d, or
// until ctx is done, and returns the lines recorded for id by then.
func (s *Server) waitIdle(ctx context.Context, id string, d time.Duration) []string {
	s.mu.Lock()
	var idle chan struct{}
	if rec := s.ids[id]; rec != nil && rec.active > 0 {
		idle = rec.idle
	}
	s.mu.Unlock()
	if idle != nil {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-idle:
		case <-t.C:
			s.opts.Logf("scenario: observe %q: handlers still running after %v", id, d)
		case <-ctx.Done():
		}
	}
	return s.Observations(id)
}

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

// Start runs a Server on a free port of 127.0.0.1. It returns the base URL
// ("http://127.0.0.1:PORT") and a stop function that closes the listener
// and every connection and returns once all of the server's goroutines
// have ended, so that tests can check for leaks right after it.
func Start(opts *Options) (base string, stop func(), err error) {
	return start(New(opts))
}

func start(s *Server) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		return "", nil, fmt.Errorf("failed to listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: maxLife,
		ErrorLog:          log.New(logWriter{s.opts.Logf}, "", 0),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	stop := sync.OnceFunc(func() {
		// srv.Close ends the listener and the connections net/http still
		// owns; s.Close ends the hijacked ones and waits for the handlers.
		_ = srv.Close()
		s.Close()
		<-served
	})
	return "http://" + ln.Addr().String(), stop, nil
}

// logWriter sends net/http's own error log to Options.Logf.
type logWriter struct{ logf func(string, ...any) }

func (l logWriter) Write(p []byte) (int, error) {
	l.logf("scenario: http: %s", p)
	return len(p), nil
}

// DeadURL returns "ws://127.0.0.1:PORT/" for a port that was free a moment
// ago and that nothing listens on now, for the "connection refused"
// scenarios. The port is reserved by listening and closed at once; another
// process could take it in between, which is unlikely enough on a test
// machine.
func DeadURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("failed to reserve a port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("failed to close the reserved port: %w", err)
	}
	return "ws://" + addr + "/", nil
}
