package wsapi

import (
	"runtime/debug"
	"time"
)

// eventKind names the four events of the WebSocket interface.
type eventKind uint8

const (
	evOpen eventKind = iota
	evMessage
	evError
	evClose
)

func (k eventKind) String() string {
	return [...]string{"open", "message", "error", "close"}[k]
}

// closeFields is a CloseEvent without its methods. The socket keeps its
// close event as one: the socket's type is reachable through an interface
// (the transport points back to it), and the linker then keeps every method
// of its fields' types, String and the code names with it, in builds that
// never print an event.
type closeFields CloseEvent

// event is one entry of a socket's queue. Only the fields of its kind are set.
type event struct {
	kind       eventKind
	msg        MessageEvent
	err        error
	close      closeFields
	protocol   string
	extensions string
	dropped    bool // a message that Close made stale
}

// The emit methods are how a backend reports what happened on the wire. They
// may be called from any goroutine, or from a JS callback, and never block:
// they append to the queue and wake the dispatcher. They also enforce the
// order the browser guarantees, whatever the backend does: open at most once
// and before any message, error only right before close, close exactly once,
// nothing after it.

// emitOpen reports a completed handshake.
func (ws *WebSocket) emitOpen(protocol, extensions string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.opened || ws.terminal {
		return
	}
	ws.opened = true
	ws.enqueueLocked(event{kind: evOpen, protocol: protocol, extensions: extensions})
}

// emitMessage reports a whole message. The socket takes ownership of data.
// It returns whether the queue now holds more than maxQueuedBytes, when
// the native reader should waitRoom.
func (ws *WebSocket) emitMessage(typ MessageType, data []byte) (full bool) {
	ws.mu.Lock()
	if ws.dropsMessagesLocked() {
		ws.mu.Unlock()
		return false
	}
	ws.queuedBytes += len(data)
	ws.queue = append(ws.queue, event{kind: evMessage, msg: MessageEvent{Type: typ, Data: data}})
	full = ws.queuedBytes > maxQueuedBytes
	start := ws.dispatching && !ws.running
	wake := ws.dispatching && ws.running
	ws.running = ws.running || start
	ws.mu.Unlock()
	// The dispatcher is started, or woken, once the lock is free, so that
	// it does not find it held if it runs at once, on another thread.
	switch {
	case start:
		go ws.dispatchFn()
	case wake:
		ws.poke()
	}
	return full
}

// dropsMessagesLocked says whether a message that arrives now is dropped:
// the browser drops what arrives once close() was called, for the message
// task finds readyState no longer OPEN.
func (ws *WebSocket) dropsMessagesLocked() bool {
	return !ws.opened || ws.terminal || ws.closeCalled
}

// emitClose reports the end of the connection. A non-nil err means the
// connection failed; the browser then fires error right before close.
func (ws *WebSocket) emitClose(ce CloseEvent, err error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	ws.terminateLocked(ce, err)
}

func (ws *WebSocket) terminateLocked(ce CloseEvent, err error) {
	if ws.terminal {
		return
	}
	ws.terminal = true
	if err != nil {
		ws.failure = err
		ws.enqueueLocked(event{kind: evError, err: err})
	}
	ws.enqueueLocked(event{kind: evClose, close: closeFields(ce)})
}

func (ws *WebSocket) enqueueLocked(ev event) {
	ws.queue = append(ws.queue, ev)
	ws.wakeLocked()
}

// The queue is ws.queue[ws.qhead:]. Popping moves qhead rather than the
// slice, so that the backing array is reused: a socket that receives a
// steady stream allocates nothing for its queue.
func (ws *WebSocket) queueLen() int { return len(ws.queue) - ws.qhead }

func (ws *WebSocket) popLocked() {
	ws.queue[ws.qhead] = event{}
	ws.qhead++
	switch {
	case ws.qhead == len(ws.queue):
		ws.queue, ws.qhead = ws.queue[:0], 0
	case ws.qhead >= 64 && 2*ws.qhead >= len(ws.queue):
		// Never drained: move the waiting events down, so that the
		// array does not grow without end.
		n := copy(ws.queue, ws.queue[ws.qhead:])
		clear(ws.queue[n:])
		ws.queue, ws.qhead = ws.queue[:n], 0
	}
}

// poke wakes the dispatcher, which then looks at the queue again.
func (ws *WebSocket) poke() {
	select {
	case ws.wake <- struct{}{}:
	default:
	}
}

// wakeLocked has the queue looked at once the gate is open: it wakes the
// dispatcher that runs, or starts one when the queue holds events.
func (ws *WebSocket) wakeLocked() {
	switch {
	case !ws.dispatching:
	case ws.running:
		ws.poke()
	case ws.queueLen() > 0:
		ws.running = true
		go ws.dispatchFn()
	}
}

// startLocked opens the gate: from now on queued events are dispatched. Until
// then they are held, so that handlers set after New miss nothing even when
// the connection was quicker than the code that sets them; in the browser the
// same holds for code that yields before it sets them. A dispatcher
// goroutine runs only while there are events to deliver, so a socket with
// nothing to deliver holds none.
func (ws *WebSocket) startLocked() {
	if ws.dispatching {
		return
	}
	ws.dispatching = true
	ws.wakeLocked()
}

// registrationSettle is how long an event waits for a handler of its kind
// that was never set, counted from the last time a handler was set or open
// was dispatched. Handlers are set one call at a time: without it, natively,
// the first call would open the gate and the dispatcher could deliver a held
// message before the next call sets OnMessage, or before the code that
// WaitOpen woke sets it. An event whose handler was set, even to nil, or
// whose kind a Wait method covers, never waits; SetHandlers sets all four
// at once and so never waits at all.
const registrationSettle = 50 * time.Millisecond

// now reads the monotonic clock, in nanoseconds since the package started.
// The socket keeps such a number, not a time.Time: its type is reachable
// through an interface (the transport points back to it), and the linker
// then keeps every method of its fields' types, which for time.Time is all
// of time's formatting, some 60 KB of the browser build.
func now() int64 { return int64(time.Since(clockStart)) }

var clockStart = time.Now()

// dispatch delivers the queue in order, one event at a time, until it is
// empty or close was delivered. One runs at a time: ws.running says so.
func (ws *WebSocket) dispatch() {
	var settle *time.Timer
	// linger keeps the dispatcher while events keep coming: one started
	// per event would grow a new stack for every handler, which costs
	// more than the handler of a small message (stack copying was a third
	// of the instructions of an echo). delivered says whether an event
	// was delivered since linger was last armed.
	var linger *time.Timer
	delivered := false
	// cur is the event being delivered, kept where goexit finds it. It
	// lives as long as the dispatcher, so that events are not copied to
	// the heap one by one.
	var cur event
	delivering := false
	defer func() {
		if delivering {
			ws.goexit(&cur)
		}
	}()
	for {
		ws.mu.Lock()
		if ws.queueLen() == 0 {
			switch {
			case !ws.lingers, linger != nil && ws.lingerDue && !delivered:
				// Idle for a whole linger, or not to linger: the
				// next event starts a dispatcher.
				ws.running = false
				ws.mu.Unlock()
				if settle != nil {
					settle.Stop()
				}
				if linger != nil {
					linger.Stop()
				}
				return
			case linger == nil:
				ws.lingerDue = false
				delivered = false
				linger = time.AfterFunc(dispatchLinger, ws.lingerDone)
			case !ws.lingerDue:
				// Armed: what was delivered since counts when
				// it ends.
			default: // due, and delivered since
				ws.lingerDue = false
				delivered = false
				linger.Reset(dispatchLinger)
			}
			ws.mu.Unlock()
			<-ws.wake
			continue
		}
		ev := &ws.queue[ws.qhead]
		if !ws.handlers.has(ev.kind) && ws.decided&(1<<ev.kind) == 0 {
			if wait := registrationSettle - time.Duration(now()-ws.settleFrom); wait > 0 {
				ws.mu.Unlock()
				// A timer that wakes the loop, which looks again: a
				// time.Timer's channel would link time's formatting
				// into the browser build (NewTimer puts a chan
				// time.Time in an interface).
				if settle == nil {
					settle = time.AfterFunc(wait, ws.poke)
				} else {
					settle.Reset(wait)
				}
				<-ws.wake
				continue
			}
		}
		delivered = true
		cur = *ev
		ws.popLocked()
		ws.applyLocked(&cur)
		h := ws.handlers
		ws.mu.Unlock()

		delivering = true
		if !cur.dropped {
			ws.deliver(h, &cur)
		}
		delivering = false
		if cur.kind == evClose {
			if settle != nil {
				settle.Stop()
			}
			if linger != nil {
				linger.Stop()
			}
			ws.finish(cur.close)
			return
		}
		cur = event{} // the message's data is the handler's now
	}
}

// dispatchLinger is how long a dispatcher with nothing to deliver waits for
// the next event before it returns, where it lingers (see
// WebSocket.lingers): long against a round trip, short against the time a
// socket stays idle.
const dispatchLinger = 20 * time.Millisecond

// lingerDone is the linger timer's: it has the dispatcher look again.
func (ws *WebSocket) lingerDone() {
	ws.mu.Lock()
	ws.lingerDue = true
	ws.mu.Unlock()
	ws.poke()
}

// goexit keeps the socket going when a handler ends its goroutine with
// runtime.Goexit, as t.FailNow does when a test calls it from a handler:
// recover cannot stop that, so a new dispatcher takes over the queue, or
// finishes the socket if the handler was the close handler's.
func (ws *WebSocket) goexit(cur *event) {
	warn("wsapi: the " + cur.kind.String() + " handler of " + ws.url + " ended its goroutine (runtime.Goexit; t.FailNow in a handler?); dispatch goes on\n")
	if cur.kind == evClose {
		ws.finish(cur.close)
		return
	}
	go ws.dispatchFn()
}

// applyLocked moves the state the user sees to where the event says, just
// before its handler runs, as the browser sets readyState before it fires.
func (ws *WebSocket) applyLocked(ev *event) {
	switch ev.kind {
	case evOpen:
		ws.protocol, ws.extensions = ev.protocol, ev.extensions
		ws.state = Open
		ws.settleFrom = now() // WaitOpen's caller may set handlers now
		close(ws.openCh)
	case evMessage:
		// Close called after the message was queued: in the browser the
		// message would have found the socket CLOSING and been dropped.
		ev.dropped = ws.closeCalled
		ws.queuedBytes -= len(ev.msg.Data)
		if ws.queuedBytes <= maxQueuedBytes {
			ws.room.Broadcast()
		}
	case evError, evClose:
		// An error is queued only right before close, when the
		// connection failed: the browser has set readyState to CLOSED
		// before it fires error, so a close() in the error handler does
		// nothing, and above all does not fail the socket a second time.
		ws.state = Closed
	}
}

// handlers is the set of callbacks, copied out under the lock so that a
// handler may replace any of them while it runs.
type handlers struct {
	open    func()
	message func(MessageEvent)
	error   func(error)
	close   func(closeFields) // see closeHandler
}

// closeHandler wraps the user's close handler, so that the socket holds no
// func(CloseEvent): its type would be reachable through an interface, as
// the socket is (see closeFields), and the linker would keep CloseEvent's
// String, and the names of the close codes, in every program (about 460
// bytes of gzip in a minimal one, 2026-12-06).
func closeHandler(f func(CloseEvent)) func(closeFields) {
	if f == nil {
		return nil
	}
	return func(c closeFields) { f(CloseEvent(c)) }
}

func (h *handlers) has(k eventKind) bool {
	switch k {
	case evOpen:
		return h.open != nil
	case evMessage:
		return h.message != nil
	case evError:
		return h.error != nil
	}
	return h.close != nil
}

func (ws *WebSocket) deliver(h handlers, ev *event) {
	defer ws.recoverHandler(ev.kind)
	ws.tr.beginTask()
	defer ws.tr.endTask()
	switch ev.kind {
	case evOpen:
		if h.open != nil {
			h.open()
		}
	case evMessage:
		if h.message != nil {
			h.message(ev.msg)
		}
	case evError:
		if h.error != nil {
			h.error(ev.err)
		}
	case evClose:
		if h.close != nil {
			h.close(ev.close)
		}
	}
}

// recoverHandler keeps a panicking handler from taking the socket, and in the
// browser the whole Go program, down without a word: the panic and its stack
// go to standard error (the console in a browser) and dispatch goes on, as
// an exception in a JS event listener is reported and the page goes on.
func (ws *WebSocket) recoverHandler(kind eventKind) {
	if v := recover(); v != nil {
		warn("wsapi: panic in the " + kind.String() + " handler of " + ws.url + ": " + panicValue(v) + "\n" + string(debug.Stack()))
	}
}
