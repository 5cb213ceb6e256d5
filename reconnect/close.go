package reconnect

import (
	"strconv"
	"unicode/utf8"

	"github.com/go-wsapi/wsapi/wsapi"
)

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
