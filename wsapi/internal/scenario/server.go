//go:build !js

package scenario

import (
	"context"
	"io/fs"
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

// Close ends every connection the server holds, hijacked ones included,
// and waits for its handlers to return. Later requests get 503.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}
