package reconnect

import (
	"strconv"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// dispatch runs f with the handlers under hmu, once the handler of kind
// k is set (see settle), unless c was given up.
func (s *Socket) dispatch(c *conn, k uint8, f func(wsapi.Handlers)) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if c != nil && c.abandoned {
		return
	}
	s.mu.Lock()
	s.awaitLocked(k)
	h := s.handlers
	s.mu.Unlock()
	f(h)
}

func (s *Socket) handleOpen(c *conn) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if c.abandoned {
		return
	}
	s.mu.Lock()
	if s.closeCalled {
		s.mu.Unlock()
		return // Close passed the open: its close follows
	}
	s.state = wsapi.Open
	s.protocol, s.extensions = c.ws.Protocol(), c.ws.Extensions()
	s.opens++
	now := time.Now()
	c.openedAt, c.lastRecv = s.o.clock.Now(), now
	// The queue goes out first, under mu, so that no send can pass it.
	for _, m := range s.queue {
		if m.Type == wsapi.Text {
			c.ws.SendText(string(m.Data))
		} else {
			c.ws.SendBinary(m.Data)
		}
	}
	s.queue, s.queuedBytes = nil, 0
	close(s.openSig)
	close(c.opened)
	s.awaitLocked(kindOpen)
	s.settleFrom = time.Now() // the code right after WaitOpen sets handlers
	h := s.handlers.Open
	s.mu.Unlock()
	if h != nil {
		h()
	}
}

func (s *Socket) handleMessage(c *conn, m wsapi.MessageEvent) {
	s.mu.Lock()
	c.lastRecv = time.Now()
	s.mu.Unlock()
	s.dispatch(c, kindMessage, func(h wsapi.Handlers) {
		if h.Message != nil {
			h.Message(m)
		}
	})
}

func (s *Socket) handleError(c *conn, err error) {
	s.dispatch(c, kindError, func(h wsapi.Handlers) {
		if h.Error != nil {
			h.Error(err)
		}
	})
}

// handleClose reports the close of c, unless c was given up.
func (s *Socket) handleClose(c *conn, e wsapi.CloseEvent) {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if c.abandoned {
		return
	}
	c.ended = true
	s.mu.Lock()
	judge := c.cause == "" // a close the socket made itself is not judged
	s.mu.Unlock()
	s.closedLocked(c, e, judge)
}

// closedLocked decides, with hmu held and before the user's OnClose runs,
// whether another connection follows c, so that ReadyState tells it there:
// not after Close, nor when judge is set and the policy says stop, nor
// once the retries are exhausted.
func (s *Socket) closedLocked(c *conn, e wsapi.CloseEvent, judge bool) {
	s.mu.Lock()
	s.lastClose, s.closed = e, true
	final := s.closeCalled
	if !final && judge && !s.o.ShouldReconnect(e) {
		final = true
		s.err = wrap("reconnect: stopped after close "+strconv.Itoa(e.Code)+" "+strconv.Quote(e.Reason), &wsapi.CloseError{CloseEvent: e}, ErrStopped)
	}
	if !final && !s.countRetryLocked(c) {
		final = true
	}
	if s.state == wsapi.Open {
		s.openSig = make(chan struct{})
	}
	if final {
		s.state = wsapi.Closed
	} else {
		s.state = wsapi.Connecting
	}
	s.awaitLocked(kindClose)
	h := s.handlers.Close
	s.mu.Unlock()
	if h != nil {
		h(e)
	}
}
