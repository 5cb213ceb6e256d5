//go:build !js

package wsapi

import (
	"sync/atomic"
	"time"
)

// Natively, the goroutine that reads a message runs its handler itself when
// nothing else is being delivered or waits to be: handing each message to a
// dispatcher goroutine cost a goroutine switch each way, which on a round
// trip of one message in flight was more than everything else wsapi does
// (issue 15: 0.55× of a coder/websocket loop that writes and reads on one
// goroutine). The browser's semantics stay: handlers run one at a time, in
// order, after the events before them.
//
// The browser goes on reading while a handler runs, and a Go handler may
// block, on a wait whose end needs the connection read (a pong, the
// server's close, room the server makes by reading what we sent once its
// echoes are read). So a handler running on the reader may hold reading for
// handOffAfter only: then a new goroutine takes over reading, and the old
// one, its handler done, delivers what was queued meanwhile and ends, as a
// dispatcher.

// handOffEvery is the period of the hand-off timer, which hands reading
// over when it finds the same handler running on the reader twice in a
// row: a handler holds reading for one to two periods. The period is short
// against any timeout of the protocol, long against a handler that only
// does its share of a round trip. The timer is not armed per handler:
// arming one wakes the network poller, a system call, which was a tenth
// of an echo's time; it stays armed while handlers run, and stops once a
// period went by without one.
const handOffEvery = time.Millisecond

// The reader's turn, the low bits of nativeTransport.turn; the bits above
// count the handlers the reader ran, so that the timer tells one from the
// next.
const (
	turnReading   uint64 = iota // the reader reads
	turnInHandler               // the reader runs a handler; reading waits
	turnHandedOff               // a new goroutine took over reading
	turnDone                    // reading is over

	turnBits = 2
	turnMask = 1<<turnBits - 1
)

// takeTurn lets a reader deliver the message it read itself: when dispatch
// is on, no dispatcher runs, nothing is queued, the message is not to be
// dropped and its handler is decided, it takes the dispatcher's turn, which
// endTurn or dispatch gives back, and returns the handlers to run. Else it
// returns false, and the message goes to emitMessage (receive), which drops
// or queues it.
func (ws *WebSocket) takeTurn() (h handlers, ok bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.dropsMessagesLocked() || !ws.dispatching || ws.running || ws.queueLen() > 0 {
		return h, false
	}
	if !ws.handlers.has(evMessage) && ws.decided&(1<<evMessage) == 0 {
		return h, false // the settle gate may have it wait
	}
	ws.running = true
	return ws.handlers, true
}

// endTurn gives back the turn takeTurn took: what was queued while the
// handler ran (Close in a handler queues error and close, say) goes to a
// dispatcher.
func (ws *WebSocket) endTurn() {
	ws.mu.Lock()
	if ws.queueLen() > 0 {
		go ws.dispatchFn()
	} else {
		ws.running = false
	}
	ws.mu.Unlock()
}

// receive delivers or queues a message the reader read. It returns whether
// this goroutine still reads, and whether the queue is full (see
// emitMessage).
func (t *nativeTransport) receive(typ MessageType, data []byte) (reading, full bool) {
	h, ok := t.ws.takeTurn()
	if !ok {
		return true, t.ws.emitMessage(typ, data)
	}
	return t.deliverHere(h, event{kind: evMessage, msg: MessageEvent{Type: typ, Data: data}}), false
}

// deliverHere runs a message's handler on the reader, which took the turn.
// Reading waits for it up to two periods of the hand-off timer, then goes
// to a new goroutine (handOff); it returns whether this goroutine still
// reads.
func (t *nativeTransport) deliverHere(h handlers, ev event) (reading bool) {
	seq := t.turn.Load()&^turnMask + 1<<turnBits
	t.turn.Store(seq | turnInHandler)
	if !t.timerArmed.Load() {
		t.timerArmed.Store(true)
		tm := t.handOffTimer.Load()
		if tm == nil {
			// Made idle, and stored before it can tick, which it
			// does on another goroutine.
			tm = time.AfterFunc(time.Hour, t.handOffTick)
			t.handOffTimer.Store(tm)
		}
		tm.Reset(handOffEvery)
	}
	exited := true
	defer func() {
		if exited {
			// The handler ended the goroutine (runtime.Goexit):
			// reading and the turn go on elsewhere.
			t.handOff(seq | turnInHandler)
			t.ws.goexit(&ev)
		}
	}()
	t.ws.deliver(h, &ev)
	exited = false
	// Back to turnReading, which is 0: seq's low bits as they are
	// (seq|turnReading fails staticcheck, SA4016).
	if t.turn.CompareAndSwap(seq|turnInHandler, seq) {
		t.ws.endTurn()
		return true
	}
	// Reading went to another goroutine while the handler ran: this one
	// keeps the turn, delivers what came meanwhile, and ends.
	t.ws.dispatch()
	return false
}

// handOff starts a new goroutine to read, if the reader is still in the
// handler whose turn was cur.
func (t *nativeTransport) handOff(cur uint64) {
	if t.turn.CompareAndSwap(cur, cur&^turnMask|turnHandedOff) {
		go t.readLoop()
	}
}

// handOffTick is the hand-off timer's func. It hands reading over when the
// handler it found running at its last tick still runs, and arms itself
// again while the reader runs handlers.
func (t *nativeTransport) handOffTick() {
	cur := t.turn.Load()
	last := t.lastTick.Swap(cur)
	switch {
	case cur&turnMask == turnDone:
		t.timerArmed.Store(false)
		return
	case cur&turnMask == turnInHandler && cur == last:
		t.handOff(cur)
	case cur == last:
		// No handler since the last tick: stop, until the next.
		t.timerArmed.Store(false)
		if t.turn.Load() == cur {
			return
		}
		// One began meanwhile and found the timer armed: keep it.
		t.timerArmed.Store(true)
	}
	tm := t.handOffTimer.Load()
	tm.Reset(handOffEvery)
	if t.turn.Load()&turnMask == turnDone {
		// endRead stopped the timer while this tick ran: stop it
		// again, so that no tick outlives the socket.
		tm.Stop()
	}
}

// turnState is the reader's turn and its hand-off timer.
type turnState struct {
	turn         atomic.Uint64 // handlers run << turnBits | turn
	timerArmed   atomic.Bool   // the hand-off timer will tick
	handOffTimer atomic.Pointer[time.Timer]
	lastTick     atomic.Uint64 // turn at the timer's last tick
}
