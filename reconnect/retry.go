package reconnect

import (
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Retry describes a retry scheduled after a connection ended, for a page
// that shows "reconnecting in 2.3 s (attempt 3)".
type Retry struct {
	Attempt int           // 1 for the first retry after a stable connection
	Delay   time.Duration // the wait drawn for it
	At      time.Time     // when the attempt starts, unless Paused
	// Paused names why no attempt will start until the browser says
	// otherwise: "offline", "hidden" or "pagehide"; "" when it waits
	// only for At.
	Paused string
}

// NextRetry returns the retry the socket waits for, and false when it
// waits for none (connecting, open or closed).
func (s *Socket) NextRetry() (Retry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.waiting {
		return Retry{}, false
	}
	r := s.retry
	r.Paused = s.pausedLocked()
	return r, true
}

// countRetryLocked counts the retry that follows c (nil: an attempt that
// made no connection), starting the count again after a connection that
// stayed open MinUptime, and reports whether MaxRetries allows it.
func (s *Socket) countRetryLocked(c *conn) bool {
	if c != nil && isClosed(c.opened) && s.o.clock.Now().Sub(c.openedAt) >= s.o.MinUptime {
		s.attempt = 0
	}
	s.attempt++
	if s.o.MaxRetries > 0 && s.attempt > s.o.MaxRetries {
		msg := "reconnect: gave up after " + strconv.Itoa(s.o.MaxRetries) + " retries"
		if s.closed {
			s.err = wrap(msg, &wsapi.CloseError{CloseEvent: s.lastClose}, ErrRetriesExhausted)
		} else {
			s.err = wrap(msg, ErrRetriesExhausted)
		}
		return false
	}
	return true
}

// scheduleRetry decides on the next attempt after a connection ended, or
// failed to start, and reports it; false means the socket is done.
func (s *Socket) scheduleRetry() bool {
	s.mu.Lock()
	if s.closeCalled || s.state == wsapi.Closed {
		s.state = wsapi.Closed
		s.mu.Unlock()
		return false
	}
	d := s.backoff.Delay(s.attempt, s.o.Rand())
	s.retry = Retry{Attempt: s.attempt, Delay: d, At: s.o.clock.Now().Add(d)}
	s.waiting = true
	r := s.retry
	r.Paused = s.pausedLocked()
	s.mu.Unlock()
	s.dispatch(nil, kindRetry, func(wsapi.Handlers) {
		s.mu.Lock()
		f := s.onRetry
		s.mu.Unlock()
		if f != nil {
			f(r)
		}
	})
	return true
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// pausedLocked names what holds retries back, or "".
func (s *Socket) pausedLocked() string {
	switch {
	case s.frozen:
		return "pagehide"
	case s.offline:
		return "offline"
	case s.hidden:
		return "hidden"
	}
	return ""
}

// waitRetry waits for the retry's time, or less when the browser says the
// network or the page is back, and longer while it says they are gone;
// false means Close was called meanwhile.
func (s *Socket) waitRetry() bool {
	s.mu.Lock()
	wait := s.retry.At.Sub(s.o.clock.Now())
	s.mu.Unlock()
	timer, stop := s.o.clock.NewTimer(wait)
	defer stop()
	due := false
	for {
		s.mu.Lock()
		if s.closeCalled {
			s.state = wsapi.Closed
			s.waiting = false
			s.mu.Unlock()
			return false
		}
		if s.kick {
			s.kick, due = false, true
		}
		goNow := due && s.pausedLocked() == ""
		s.mu.Unlock()
		if goNow {
			return true
		}
		select {
		case <-timer:
			due = true
		case <-s.wake:
		}
	}
}
