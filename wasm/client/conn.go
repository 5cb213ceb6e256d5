package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// The errors a client returns for what it refuses before anything is sent.
var (
	// ErrNotOpen is returned by a send on a socket that is closing or
	// closed for good. The browser would drop the message silently; a
	// client tells the caller instead. While the socket reconnects, a
	// send is queued for the next open.
	ErrNotOpen = errors.New("socket is not open")
	// ErrInvalid is returned for an argument the server would refuse: a
	// bad nick, or chat text that is empty or too long.
	ErrInvalid = errors.New("invalid argument")
)

// The server's endpoints, relative to its base URL.
const (
	EchoPath  = "/ws/echo"
	ChatPath  = "/ws/chat"
	TicksPath = "/ws/ticks"
)

// CloseCode and CloseReason are what a client sends when its Close method
// is called: the user's own disconnect.
const (
	CloseCode   = 1000
	CloseReason = "disconnect"
)

// BaseURL returns the WebSocket base URL ("ws://host:port") of the server
// that serves pageURL: ws for http and wss for https, same host, no path.
// It takes a page's location.href as well as an httptest server's URL.
func BaseURL(pageURL string) (string, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return "", fmt.Errorf("client: failed to parse page URL: %w", err)
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "ws"
	case "https", "wss":
		u.Scheme = "wss"
	default:
		return "", fmt.Errorf("client: page URL %q: scheme %q is not http or https: %w", pageURL, u.Scheme, ErrInvalid)
	}
	if u.Host == "" {
		return "", fmt.Errorf("client: page URL %q has no host: %w", pageURL, ErrInvalid)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Hooks report a socket's own events, as an event log shows them. Every
// field may be nil. They run on the socket's event goroutine, after the
// client's state took the event in and before the client's own callbacks.
type Hooks struct {
	Open func()
	// Message sees every message as it came, before the client parses it.
	Message func(wsapi.MessageEvent)
	Error   func(error)
	// Close reports the close of every connection. local is true when the
	// client's Close method started the close, that is, when the user
	// disconnected; the socket's ReadyState says whether another
	// connection follows (CONNECTING) or not (CLOSED).
	Close func(ev wsapi.CloseEvent, local bool)
	// Retry reports a reconnection scheduled after a close.
	Retry func(reconnect.Retry)
	// Invalid reports a message that does not follow the protocol; the
	// client ignored it.
	Invalid func(m wsapi.MessageEvent, err error)
}

// Conn is what every client's state tells about its socket, which
// reconnects when a connection ends (package reconnect).
type Conn struct {
	Opened bool // an open event was dispatched
	Opens  int  // connections opened so far
	Up     bool // a connection is open now
	// Welcomed: the server welcomed this connection (chat and ticks),
	// which must come first on each.
	Welcomed bool
	// Closed is set once the final close event was dispatched: the
	// socket will not reconnect. Close says how the latest connection
	// closed, and Local whether this side's Close method closed it.
	Closed  bool
	Close   wsapi.CloseEvent
	Local   bool
	Err     error // the error event, if there was one
	Invalid int   // messages that did not follow the protocol
}

// watch is an observable value: every update wakes the waiters.
type watch[S any] struct {
	mu      sync.Mutex
	s       S
	changed chan struct{}
}

func (w *watch[S]) update(f func(*S)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(&w.s)
	if w.changed != nil {
		close(w.changed)
		w.changed = nil
	}
}

// get returns the state and a channel closed at the next update. The state
// is a shallow copy: the slices in it are only ever appended to, so the
// elements it holds never change.
func (w *watch[S]) get() (S, <-chan struct{}) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.changed == nil {
		w.changed = make(chan struct{})
	}
	return w.s, w.changed
}

// socket is what the three clients share: the wsapi socket, its hooks and
// the observable state, whose Conn part it keeps.
type socket[S any] struct {
	ws    *reconnect.Socket
	hooks Hooks
	conn  func(*S) *Conn
	clip  func(*S) // caps the state's slices at their length, for the caller
	watch[S]
}

// open dials url (or, with a non-nil resume, the URL it returns before
// every attempt, for a client that resumes where it was) with the
// reconnection settings o, and wires the socket's events to the state,
// the hooks, and onMessage, which parses and applies a message; it
// returns an error for a message that does not follow the protocol.
func (s *socket[S]) open(url string, resume func() string, o *reconnect.Options, hooks Hooks, conn func(*S) *Conn, clip func(*S), onMessage func(wsapi.MessageEvent) error) error {
	var opts reconnect.Options
	if o != nil {
		opts = *o
	}
	if resume != nil {
		base := url
		opts.URLProvider = func(context.Context) (string, error) { return base + resume(), nil }
		url = ""
	}
	ws, err := reconnect.New(url, &opts)
	if err != nil {
		return err
	}
	s.ws, s.hooks, s.conn, s.clip = ws, hooks, conn, clip
	ws.OnRetry(func(r reconnect.Retry) {
		if s.hooks.Retry != nil {
			s.hooks.Retry(r)
		}
	})
	// The socket holds the events until the first handler is set and
	// misses none of those set right after, so the order here does not
	// matter.
	ws.OnOpen(func() {
		s.update(func(st *S) {
			c := s.conn(st)
			c.Opened, c.Up, c.Welcomed = true, true, false
			c.Opens++
		})
		if s.hooks.Open != nil {
			s.hooks.Open()
		}
	})
	ws.OnMessage(func(m wsapi.MessageEvent) {
		if s.hooks.Message != nil {
			s.hooks.Message(m)
		}
		if err := onMessage(m); err != nil {
			s.update(func(st *S) { s.conn(st).Invalid++ })
			if s.hooks.Invalid != nil {
				s.hooks.Invalid(m, err)
			}
		}
	})
	ws.OnError(func(err error) {
		s.update(func(st *S) { s.conn(st).Err = err })
		if s.hooks.Error != nil {
			s.hooks.Error(err)
		}
	})
	ws.OnClose(func(ev wsapi.CloseEvent) {
		var local bool
		final := ws.ReadyState() == wsapi.Closed
		s.update(func(st *S) {
			c := s.conn(st)
			c.Up = false
			c.Closed, c.Close, local = final, ev, c.Local
		})
		if s.hooks.Close != nil {
			s.hooks.Close(ev, local)
		}
	})
	return nil
}

// snapshot returns a copy of the state that the caller may keep and change,
// and a channel closed at the next update.
func (s *socket[S]) snapshot() (S, <-chan struct{}) {
	st, changed := s.get()
	s.clip(&st)
	return st, changed
}

// state returns a copy of the state.
func (s *socket[S]) state() S {
	st, _ := s.snapshot()
	return st
}

// wait returns the first state that satisfies cond, or an error when the
// socket closed without reaching one, or when ctx ended.
func (s *socket[S]) wait(ctx context.Context, cond func(S) bool) (S, error) {
	for {
		st, changed := s.snapshot()
		if cond(st) {
			return st, nil
		}
		if c := s.conn(&st); c.Closed {
			return st, &wsapi.CloseError{CloseEvent: c.Close}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return st, fmt.Errorf("client: failed to wait on %s: %w", s.ws.URL(), ctx.Err())
		}
	}
}

// close starts the user's disconnect: close 1000, remembered as local so
// the close event is not taken for a failure.
func (s *socket[S]) close() error {
	s.update(func(st *S) {
		if c := s.conn(st); !c.Closed {
			c.Local = true
		}
	})
	return s.ws.CloseWithStatus(CloseCode, CloseReason)
}

// send sends a message if the socket is OPEN, and queues it for the next
// open while it reconnects.
func (s *socket[S]) send(typ wsapi.MessageType, data []byte) error {
	if st := s.ws.ReadyState(); st != wsapi.Open && st != wsapi.Connecting {
		return fmt.Errorf("client: failed to send on %s: %w (%s)", s.ws.URL(), ErrNotOpen, st)
	}
	if typ == wsapi.Text {
		return s.ws.SendText(string(data))
	}
	return s.ws.SendBinary(data)
}

// appendCapped appends v to list and keeps the last max elements. It never
// writes into the elements a copy of list holds: dropping the oldest makes a
// new array.
func appendCapped[T any](list []T, v T, max int) []T {
	if len(list) >= max {
		keep := list[len(list)-max+1:]
		list = append(make([]T, 0, max+max/2), keep...)
	}
	return append(list, v)
}

// endpoint joins base, a ws:// or wss:// URL with no path, and path.
func endpoint(base, path string) string {
	return strings.TrimSuffix(base, "/") + path
}
