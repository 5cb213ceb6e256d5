package reconnect

import (
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// OnOpen sets the handler of every open; Opens tells a first from a reopen.
// The messages queued while not open have been handed to the connection
// when it runs.
func (s *Socket) OnOpen(f func()) { s.setHandler(kindOpen, func(h *wsapi.Handlers) { h.Open = f }) }

// OnMessage sets the message handler.
func (s *Socket) OnMessage(f func(wsapi.MessageEvent)) {
	s.setHandler(kindMessage, func(h *wsapi.Handlers) { h.Message = f })
}

// OnError sets the error handler: a connection that failed (wrapping
// wsapi.ErrConnection) or a provider that did (wrapping ErrProvider).
func (s *Socket) OnError(f func(error)) {
	s.setHandler(kindError, func(h *wsapi.Handlers) { h.Error = f })
}

// OnClose sets the handler of the close of every connection, whether
// another follows or not (ReadyState tells: CONNECTING or CLOSED).
func (s *Socket) OnClose(f func(wsapi.CloseEvent)) {
	s.setHandler(kindClose, func(h *wsapi.Handlers) { h.Close = f })
}

// OnRetry sets the handler called when a retry is scheduled, after the
// OnClose of the connection that ended.
func (s *Socket) OnRetry(f func(Retry)) {
	s.setHandler(kindRetry, func(*wsapi.Handlers) { s.onRetry = f })
}

// SetHandlers sets the four handlers at once, nil ones included, leaving
// no moment where some are set and some are not (OnRetry aside).
func (s *Socket) SetHandlers(h wsapi.Handlers) {
	s.setHandler(kindOpen|kindMessage|kindError|kindClose, func(p *wsapi.Handlers) { *p = h })
}

// The kinds of handler, as bits of decided.
const (
	kindOpen uint8 = 1 << iota
	kindMessage
	kindError
	kindClose
	kindRetry
)

// settle is how long an event whose handler was never set waits for it
// after the last handler was set (or open dispatched), as in wsapi: a
// burst of On calls right after New, or right after WaitOpen, misses no
// event, whatever the scheduling.
const settle = 50 * time.Millisecond

func (s *Socket) setHandler(k uint8, set func(*wsapi.Handlers)) {
	s.mu.Lock()
	set(&s.handlers)
	s.decideLocked(k)
	s.mu.Unlock()
}

// decideLocked marks the kinds k as handled, opens the gate and wakes the
// events that wait for a handler.
func (s *Socket) decideLocked(k uint8) {
	s.decided |= k
	s.settleFrom = time.Now()
	close(s.setCh)
	s.setCh = make(chan struct{})
	s.openGateLocked()
}

// awaitLocked, with mu held, waits until the handler of kind k is set, or
// settle has passed since the last one was: see settle. It releases mu
// while it waits; it runs on a dispatching goroutine, never in a JS
// callback.
func (s *Socket) awaitLocked(k uint8) {
	for s.decided&k == 0 {
		left := settle - time.Since(s.settleFrom)
		if left <= 0 {
			return
		}
		ch := s.setCh
		s.mu.Unlock()
		t := time.NewTimer(left)
		select {
		case <-ch:
		case <-t.C:
		}
		t.Stop()
		s.mu.Lock()
	}
}

// openGateLocked lets the loop start delivering events: until a handler is
// set, or WaitOpen or Done is called, none is, so none is missed.
func (s *Socket) openGateLocked() {
	if !s.gateOpen {
		s.gateOpen = true
		close(s.gate)
	}
}
