//go:build !js

// One connection's life, whole: its queue, its writer, its pings and its
// close are one state machine under client.mu, whose rules (who may start
// a goroutine, who closes, the order of the close handshake) are read
// best in one file; split, each piece would need the others' invariants
// repeated. Hence over 400 lines.

package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// message is one frame to send. A room event is encoded once and the same
// *message goes to every client's queue.
type message struct {
	typ  websocket.MessageType
	data []byte
}

// closing says how a connection ended, for the log.
type closing struct {
	code   websocket.StatusCode
	reason string
	by     string // "server" or "client"
}

// client is one WebSocket connection.
//
// Its handler goroutine reads, and on /ws/echo writes the echoes too. An
// idle connection has no other goroutine, since each costs a stack and
// a server may hold many idle connections: a writer (writeLoop) runs only
// while the queue holds something, pings come from a timer whose function
// re-arms it, and only /ws/ticks, never idle, keeps a writer (tickLoop).
//
// Whoever decides that the connection must end records why with setClose,
// first one wins, so the log tells the real cause:
//   - kick, from the room, never waits: it stops the writer and starts
//     the close handshake in a goroutine of its own (closeConn);
//   - goAway, from Shutdown, never waits either: the writer, if one runs,
//     sends what the queue holds first and then the close, so that a room
//     event that reached one member's socket reaches every member's;
//   - a failed ping cuts the connection at once: a dead peer would not
//     answer a close frame;
//   - otherwise the handler closes, after its read loop ends, in finish.
type client struct {
	srv       *Server
	ep        *endpoint
	conn      *websocket.Conn
	netConn   net.Conn    // the hijacked connection, for Shutdown's last resort
	cork      *corkWriter // what conn writes to
	remote    string
	nick      string // the chat nick: asked for, then given by the room
	resume    resume // where a returning client resumes, on chat and ticks
	start     time.Time
	sendQueue int      // Options.SendQueue
	limit     *limiter // messages received: the read loop's only
	roomSlot  int      // index in room.clients, under room.mu; -1 when out
	// joinPending: in the room, its join not yet announced; under room.mu
	joinPending bool

	// writers counts the writer, the closer and a ping in flight. Add is
	// called with mu held and never once finished is set, so that finish
	// may Wait.
	writers sync.WaitGroup

	mu           sync.Mutex // guards what follows
	queue        []*message // for the writer; nil when empty
	inflight     int        // taken by the writer and not yet written
	queued       int64      // messages ever queued
	written      int64      // messages ever written (batches done)
	replayEnd    int64      // queued's count at the last replayed message
	replayLeft   int        // replayed messages not yet written: room beyond sendQueue
	writing      bool       // a writer runs
	stopped      bool       // no more data frames: kicked, failed or finished
	goodbye      bool       // goAway: close once the queue is sent
	closeStarted bool       // closeConn or finish has the close in hand
	finished     bool       // finish has begun: no more goroutines
	closeSet     bool
	closeInfo    closing
	pings        *time.Timer   // nil until start
	wake         chan struct{} // /ws/ticks: closed to stop tickLoop
}

func newClient(s *Server, ep *endpoint, conn *websocket.Conn, netConn net.Conn, remote, nick string) *client {
	return &client{
		srv:       s,
		ep:        ep,
		conn:      conn,
		netConn:   netConn,
		remote:    remote,
		nick:      nick,
		start:     time.Now(),
		sendQueue: s.opts.SendQueue,
		limit:     newLimiter(s.opts.RateLimit, s.opts.RateBurst, time.Now()),
		roomSlot:  -1,
	}
}

// run starts the pings and, on /ws/ticks, the writer.
func (c *client) run() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pings = time.AfterFunc(c.srv.opts.PingInterval, c.ping)
	if c.ep.ticks && !c.stopped && !c.goodbye {
		c.wake = make(chan struct{})
		c.writing = true
		c.writers.Add(1)
		go c.tickLoop()
	}
}

func (c *client) since() time.Duration {
	return time.Since(c.start).Round(time.Millisecond)
}

// setClose records why the connection ends, unless that is known already.
func (c *client) setClose(code websocket.StatusCode, reason, by string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setCloseLocked(code, reason, by)
}

func (c *client) setCloseLocked(code websocket.StatusCode, reason, by string) bool {
	if c.closeSet {
		return false
	}
	c.closeSet = true
	c.closeInfo = closing{code, reason, by}
	return true
}

func (c *client) closeState() closing {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeInfo
}

// send queues m for the writer, starting one if none runs, and reports
// whether there was room. It never waits: the room calls it with its lock
// held. A client that is going drops m.
func (c *client) send(m *message) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped || c.closeStarted {
		return true
	}
	if len(c.queue)+c.inflight >= c.sendQueue+c.replayLeft {
		return false
	}
	c.queue = append(c.queue, m)
	c.queued++
	if !c.writing && !c.finished {
		c.writing = true
		c.writers.Add(1)
		go c.writeLoop()
	}
	return true
}

// sendReplay queues the events a returning client missed, beyond the
// queue's bound, which it raises by as many until they are written
// (batchDoneLocked): they are bounded by the history already, and must
// not make the next live event find the queue full, nor make room for
// live events later.
func (c *client) sendReplay(ms []*message) {
	if len(ms) == 0 {
		return
	}
	c.mu.Lock()
	c.replayLeft = len(ms)
	c.replayEnd = c.queued + int64(len(ms))
	c.mu.Unlock()
	for _, m := range ms {
		c.send(m)
	}
}

// stopLocked stops the data frames, with c.mu held.
func (c *client) stopLocked() {
	c.stopped = true
	c.wakeLocked()
}

// wakeLocked makes tickLoop look at the state, with c.mu held.
func (c *client) wakeLocked() {
	if c.wake == nil {
		return
	}
	select {
	case <-c.wake:
	default:
		close(c.wake)
	}
}

// startCloseLocked runs closeConn in a goroutine, unless the close is in
// hand already; with c.mu held.
func (c *client) startCloseLocked() {
	if c.closeStarted || c.finished {
		return
	}
	c.closeStarted = true
	c.writers.Add(1)
	go func() {
		defer c.writers.Done()
		c.closeConn()
	}()
}

// kick asks for the connection to be closed with code and reason, and
// returns at once: the room calls it with its lock held.
func (c *client) kick(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.setCloseLocked(code, reason, "server") {
		c.stopLocked()
		c.startCloseLocked()
	}
}

// goAway asks for the connection to be closed with code and reason once
// the writer has sent what the queue holds, and returns at once. Nothing
// is queued after it: Shutdown closes the room first.
func (c *client) goAway(code websocket.StatusCode, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.setCloseLocked(code, reason, "server") {
		return
	}
	c.goodbye = true
	if c.writing {
		c.wakeLocked() // the writer closes when it is done
	} else {
		c.startCloseLocked()
	}
}

// retireUnlock ends a writer: it is called with c.mu held and unlocks it.
// The writer then closes the connection on its way out if goAway was
// waiting for it.
func (c *client) retireUnlock() {
	c.writing = false
	c.queue = nil
	c.inflight = 0
	bye := c.goodbye && !c.closeStarted && !c.finished
	if bye {
		c.closeStarted = true
	}
	c.mu.Unlock()
	if bye {
		c.closeConn()
	}
}

// closeConn runs the close handshake that kick or goAway asked for. It
// may wait for a slow peer (coder/websocket bounds each step to 5s), which
// is why it never runs under a lock or in the room's way.
func (c *client) closeConn() {
	cl := c.closeState()
	c.conn.Close(cl.code, cl.reason)
}

// finish closes the connection once the read loop has ended with err, and
// waits for the client's goroutines. It returns how the connection ended.
func (c *client) finish(err error) closing {
	c.mu.Lock()
	c.finished = true
	c.stopLocked()
	closer := c.closeStarted
	c.closeStarted = true
	if c.pings != nil {
		c.pings.Stop()
	}
	c.mu.Unlock()

	if !closer {
		c.setClose(closeCause(err))
		cl := c.closeState()
		if cl.by == "client" || cl.code == websocket.StatusAbnormalClosure {
			// The peer closed (coder/websocket has answered), or went
			// away, or stopped answering pings: no handshake to do.
			c.conn.CloseNow()
		} else {
			c.conn.Close(cl.code, cl.reason)
		}
	}
	c.writers.Wait()
	return c.closeState()
}

// errBadMessage ends a chat connection that broke the protocol.
var errBadMessage = errors.New("bad message")

// closeCause maps the error that ended a read loop to a close.
func closeCause(err error) (websocket.StatusCode, string, string) {
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce):
		return ce.Code, ce.Reason, "client"
	case errors.Is(err, websocket.ErrMessageTooBig):
		return websocket.StatusMessageTooBig, "message too big", "server"
	case errors.Is(err, errBadMessage):
		return websocket.StatusPolicyViolation, "bad message", "server"
	case errors.Is(err, errInvalidUTF8):
		return websocket.StatusInvalidFramePayloadData, "invalid UTF-8", "server"
	case errors.Is(err, errRateLimit):
		return websocket.StatusPolicyViolation, "rate limit exceeded", "server"
	case errors.Is(err, errShutdown):
		return websocket.StatusGoingAway, "server shutting down", "server"
	default:
		// EOF, reset, protocol error: no close frame to send or none seen.
		return websocket.StatusAbnormalClosure, err.Error(), "client"
	}
}

// writeLoop sends what the queue holds and returns once it is empty, or
// when the client is stopped or a write fails (which closes the
// connection, and so ends the read loop too). It takes the whole queue at
// a time, and hands the emptied slice back for the next round.
func (c *client) writeLoop() {
	defer c.writers.Done()
	var batch []*message
	for {
		c.mu.Lock()
		clear(batch)
		c.batchDoneLocked()
		if c.stopped || len(c.queue) == 0 {
			c.retireUnlock()
			return
		}
		batch, c.queue = c.queue, batch[:0]
		c.inflight = len(batch)
		c.mu.Unlock()

		if c.writeBatch(batch) != nil {
			c.mu.Lock()
			c.stopped = true
			c.retireUnlock()
			return
		}
	}
}

// batchDoneLocked records that the writer's batch is written, with c.mu
// held.
func (c *client) batchDoneLocked() {
	c.written += int64(c.inflight)
	c.inflight = 0
	c.replayLeft = int(min(int64(c.replayLeft), max(c.replayEnd-c.written, 0)))
}

// writeBatch sends the messages of batch, several with one write(2) (see
// corkWriter).
func (c *client) writeBatch(batch []*message) error {
	if len(batch) == 1 || c.cork == nil {
		for _, m := range batch {
			if err := c.write(m); err != nil {
				return err
			}
		}
		return nil
	}
	c.cork.cork()
	var err error
	for _, m := range batch {
		if err = c.write(m); err != nil {
			break
		}
	}
	if err2 := c.cork.uncork(); err == nil {
		err = err2
	}
	return err
}

// tickLoop is the writer of /ws/ticks: the welcome and the quotes the
// client starts with at once, then the quotes of the stream as they come,
// until it is woken (the client is stopped or going away) or a write
// fails. A slow reader is sent what it missed from the history, and
// skips what the history no longer holds: nothing piles up.
func (c *client) tickLoop() {
	defer c.writers.Done()
	ts := c.srv.ticks
	welcome, ms, last, tick := ts.subscribe(c)
	defer ts.unsubscribe(c)
	err := c.write(welcome)
	for err == nil {
		for _, m := range ms {
			if err = c.write(m); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
		select {
		case <-c.wake:
			err = errStopped
		case <-tick:
			ms, last = ts.after(last)
		}
	}
	c.mu.Lock()
	c.stopped = true
	c.retireUnlock()
}

// errStopped ends tickLoop when it is woken.
var errStopped = errors.New("stopped")

// write sends m. Its context has no deadline (one would cost a timer per
// message); a peer that stops reading is found by the queue filling up or
// by the next ping.
func (c *client) write(m *message) error {
	return c.conn.Write(context0, m.typ, m.data)
}

// ping runs in the goroutine of the pings timer, so that waiting for the
// pong never holds up a writer, and re-arms the timer when the pong comes.
// An idle connection has no goroutine between two pings.
func (c *client) ping() {
	c.mu.Lock()
	if c.finished || c.stopped || c.closeStarted {
		c.mu.Unlock()
		return
	}
	c.writers.Add(1)
	c.mu.Unlock()
	defer c.writers.Done()

	ctx, cancel := context.WithTimeout(context.Background(), c.srv.opts.PingTimeout)
	err := c.conn.Ping(ctx)
	cancel()
	switch {
	case err == nil:
		c.mu.Lock()
		if !c.finished {
			c.pings.Reset(c.srv.opts.PingInterval)
		}
		c.mu.Unlock()
	case errors.Is(err, context.DeadlineExceeded) &&
		c.setClose(websocket.StatusAbnormalClosure, "ping timeout", "server"):
		c.conn.CloseNow()
	}
}
