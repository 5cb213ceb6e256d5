package reconnect

import (
	"context"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// run is the socket's one goroutine: it makes the connections one after
// the other, waits between them, and ends with the final close. The
// handlers of a connection run on that connection's own goroutine while
// run waits for it, and run's own events (errors of providers, retries,
// the close of a connection it gave up) under hmu, so that handlers run
// one at a time.
func (s *Socket) run() {
	var abandoned []*wsapi.WebSocket
	defer func() {
		s.life.stop()
		s.cancel()
		for _, ws := range abandoned {
			<-ws.Done()
		}
		close(s.done)
	}()
	for waiting := true; waiting; {
		select {
		case <-s.gate:
			waiting = false
		case <-s.wake:
			s.mu.Lock()
			waiting = !s.closeCalled // Close before any handler was set
			s.mu.Unlock()
		}
	}
	for {
		if c := s.connect(); c != nil && s.watch(c) {
			abandoned = append(abandoned, c.ws)
		}
		if !s.scheduleRetry() {
			return
		}
		if !s.waitRetry() {
			return
		}
	}
}

// connect starts one attempt: it asks the providers, then makes the
// connection and sets its handlers. It returns nil when no connection
// could be made, after reporting why.
func (s *Socket) connect() *conn {
	s.mu.Lock()
	ws := s.first
	s.first = nil
	stop := s.closeCalled
	s.waiting = false
	s.mu.Unlock()
	if stop {
		if ws != nil {
			ws.Close()
			<-ws.Done()
		}
		return nil
	}
	start := time.Now()
	if ws == nil {
		var err error
		ws, err = s.dial()
		if err != nil {
			s.mu.Lock()
			stop := s.closeCalled
			if !stop && !s.countRetryLocked(nil) {
				s.state = wsapi.Closed
			}
			s.mu.Unlock()
			if !stop {
				s.dispatch(nil, kindError, func(h wsapi.Handlers) {
					if h.Error != nil {
						h.Error(err)
					}
				})
			}
			return nil
		}
	}
	c := &conn{ws: ws, opened: make(chan struct{}), start: start}
	s.mu.Lock()
	s.cur = c
	s.url = ws.URL()
	closeNow := s.closeCalled
	// A pagehide that came while the providers were asked had no
	// connection to close: this one must not stay in the page it hid.
	hidden := !closeNow && s.frozen
	if hidden {
		c.cause = "pagehide"
	}
	s.mu.Unlock()
	ws.SetHandlers(wsapi.Handlers{
		Open:    func() { s.handleOpen(c) },
		Message: func(m wsapi.MessageEvent) { s.handleMessage(c, m) },
		Error:   func(err error) { s.handleError(c, err) },
		Close:   func(e wsapi.CloseEvent) { s.handleClose(c, e) },
	})
	switch {
	case closeNow:
		closeWS(ws, s.closeCode, s.closeReason)
	case hidden:
		ws.CloseWithStatus(1000, "pagehide")
	}
	return c
}

// dial asks the providers and makes a connection.
func (s *Socket) dial() (*wsapi.WebSocket, error) {
	ctx, cancel := context.WithTimeout(s.ctx, s.o.ConnectTimeout)
	defer cancel()
	url := s.url
	if p := s.o.URLProvider; p != nil {
		u, err := p(ctx)
		if err != nil {
			return nil, wrap("reconnect: URLProvider failed", err, ErrProvider)
		}
		if u == "" {
			return nil, wrap("reconnect: URLProvider gave URL \"\"", ErrProvider, wsapi.ErrSyntax)
		}
		url = u
	}
	protocols := s.o.Protocols
	if p := s.o.ProtocolsProvider; p != nil {
		ps, err := p(ctx)
		if err != nil {
			return nil, wrap("reconnect: ProtocolsProvider failed", err, ErrProvider)
		}
		protocols = ps
	}
	ws, err := wsapi.NewWithOptions(url, s.o.wsOptions(protocols))
	if err != nil {
		return nil, wrap("reconnect: provider gave URL "+quoteShort(url)+" and protocols "+quoteShort(joinComma(protocols)), err, ErrProvider)
	}
	return ws, nil
}

func joinComma(ps []string) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// watch waits for the end of connection c, enforcing the connect timeout
// and the idle timeout, and giving the connection up when the browser
// says the network is gone. It returns true when it gave c up: its close
// is still to come, and the final close waits for it.
func (s *Socket) watch(c *conn) (abandoned bool) {
	deadline := time.NewTimer(s.o.ConnectTimeout - time.Since(c.start))
	defer deadline.Stop()
	var idle *time.Timer
	var idleC <-chan time.Time
	defer func() {
		if idle != nil {
			idle.Stop()
		}
	}()
	opened := c.opened
	for {
		select {
		case <-c.ws.Done():
			return false
		case <-deadline.C:
			c.ws.Close() // still CONNECTING: error and close 1006 follow
		case <-opened:
			opened = nil
			deadline.Stop()
			if s.o.IdleTimeout > 0 {
				idle = time.NewTimer(s.o.IdleTimeout)
				idleC = idle.C
			}
		case <-idleC:
			s.mu.Lock()
			left := s.o.IdleTimeout - time.Since(c.lastRecv)
			s.mu.Unlock()
			if left > 0 {
				idle.Reset(left)
				continue
			}
			if s.abandon(c, "nothing received for "+s.o.IdleTimeout.String()) {
				return true
			}
			idleC = nil
		case <-s.wake:
			s.mu.Lock()
			cause := c.cause
			s.mu.Unlock()
			if cause == "offline" && s.abandon(c, "offline") {
				return true
			}
		}
	}
}

// abandon gives c up without waiting for its closing handshake, which a
// dead link would hold for the whole close timeout: its events no longer
// reach the user, its close is reported now, as 1006, not clean, and it is
// closed in the background. It returns false, doing nothing, when c's own
// close was reported first.
func (s *Socket) abandon(c *conn, why string) bool {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if c.ended {
		return false
	}
	c.abandoned = true
	c.ws.Close()
	s.closedLocked(c, wsapi.CloseEvent{Code: 1006, Reason: "reconnect: " + why}, false)
	return true
}

// poke wakes the loop.
func (s *Socket) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
