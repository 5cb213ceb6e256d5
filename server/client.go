//go:build !js

package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
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
// Its handler goroutine reads; the writer goroutine (writeLoop) owns the
// data frames. Whoever decides that the connection must end records why
// with setClose, first one wins, so the log tells the real cause:
//   - kick, from the room, never waits: it cancels ctx, which stops the
//     writer and starts closeKicked (a context.AfterFunc), the close
//     handshake in a goroutine of its own;
//   - goAway, from Shutdown, never waits either: it tells the writer to
//     send what its queue holds first, and then to cancel ctx, so that a
//     room event that reached one member's socket reaches every member's;
//   - a failed ping cuts the connection at once: a dead peer would not
//     answer a close frame;
//   - otherwise the handler closes, after its read loop ends, in finish.
type client struct {
	srv      *Server
	ep       *endpoint
	conn     *websocket.Conn
	netConn  net.Conn // the hijacked connection, for Shutdown's last resort
	remote   string
	nick     string // the chat nick: asked for, then given by the room
	start    time.Time
	queue    chan *message
	ctx      context.Context // done once the client must stop writing
	cancel   context.CancelFunc
	writers  sync.WaitGroup // the writer and a ping in flight
	pinging  atomic.Bool
	limit    *limiter // messages received: the read loop's only
	roomSlot int      // index in room.clients, under room.mu; -1 when out

	goodbye chan struct{} // closed by goAway

	closeMu    sync.Mutex
	closeSet   bool
	closeInfo  closing
	stopCloser func() bool
	closerDone chan struct{}
}

func newClient(s *Server, ep *endpoint, conn *websocket.Conn, netConn net.Conn, remote, nick string) *client {
	c := &client{
		srv:        s,
		ep:         ep,
		conn:       conn,
		netConn:    netConn,
		remote:     remote,
		nick:       nick,
		start:      time.Now(),
		queue:      make(chan *message, s.opts.SendQueue),
		limit:      newLimiter(s.opts.RateLimit, s.opts.RateBurst, time.Now()),
		roomSlot:   -1,
		goodbye:    make(chan struct{}),
		closerDone: make(chan struct{}),
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.stopCloser = context.AfterFunc(c.ctx, c.closeKicked)
	return c
}

func (c *client) since() time.Duration {
	return time.Since(c.start).Round(time.Millisecond)
}

// setClose records why the connection ends, unless that is known already.
func (c *client) setClose(code websocket.StatusCode, reason, by string) bool {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	if c.closeSet {
		return false
	}
	c.closeSet = true
	c.closeInfo = closing{code, reason, by}
	return true
}

func (c *client) closeState() closing {
	c.closeMu.Lock()
	defer c.closeMu.Unlock()
	return c.closeInfo
}

// kick asks for the connection to be closed with code and reason, and
// returns at once: the room calls it with its lock held.
func (c *client) kick(code websocket.StatusCode, reason string) {
	if c.setClose(code, reason, "server") {
		c.cancel()
	}
}

// goAway asks for the connection to be closed with code and reason once
// the writer has sent what the queue holds, and returns at once. Nothing
// is queued after it: Shutdown closes the room first.
func (c *client) goAway(code websocket.StatusCode, reason string) {
	if c.setClose(code, reason, "server") {
		close(c.goodbye)
	}
}

// closeKicked runs the close handshake that kick asked for. It may wait
// for a slow peer (coder/websocket bounds each step to 5s), which is why
// it has a goroutine of its own.
func (c *client) closeKicked() {
	defer close(c.closerDone)
	cl := c.closeState()
	c.conn.Close(cl.code, cl.reason)
}

// finish closes the connection once the read loop has ended with err, and
// waits for the client's goroutines. It returns how the connection ended.
func (c *client) finish(err error) closing {
	if !c.stopCloser() {
		<-c.closerDone // kicked: closeKicked did it
	} else {
		c.setClose(closeCause(err))
		cl := c.closeState()
		c.cancel()
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

// writeLoop sends what the queue holds, the pings and, on /ws/ticks, the
// quotes, until ctx ends or a write fails (which closes the connection,
// and so ends the read loop too).
func (c *client) writeLoop() {
	defer c.writers.Done()
	pings := time.NewTicker(c.srv.opts.PingInterval)
	defer pings.Stop()

	var tickC <-chan time.Time
	var q *quotes
	if c.ep.ticks {
		q = newQuotes()
		if c.write(q.next()) != nil {
			return
		}
		t := time.NewTicker(c.srv.opts.TickInterval)
		defer t.Stop()
		tickC = t.C
	}

	for c.ctx.Err() == nil {
		var err error
		select {
		case <-c.ctx.Done():
			return
		case <-c.goodbye:
			c.drain()
			c.cancel() // closeKicked sends the close frame
			return
		case m := <-c.queue:
			err = c.write(m)
		case <-tickC:
			// A slow reader makes the ticker drop ticks: the rate holds
			// and nothing piles up.
			err = c.write(q.next())
		case <-pings.C:
			if c.pinging.CompareAndSwap(false, true) {
				c.writers.Add(1)
				go c.ping()
			}
		}
		if err != nil {
			return
		}
	}
}

// drain sends what the queue holds, until it is empty or the connection
// fails.
func (c *client) drain() {
	for c.ctx.Err() == nil {
		select {
		case m := <-c.queue:
			if c.write(m) != nil {
				return
			}
		default:
			return
		}
	}
}

// write sends m. Its context has no deadline (one would cost a timer per
// message); a peer that stops reading is found by the queue filling up or
// by the next ping.
func (c *client) write(m *message) error {
	return c.conn.Write(context.Background(), m.typ, m.data)
}

// ping runs in a goroutine of its own, so that waiting for the pong never
// holds up the writer and its queue.
func (c *client) ping() {
	defer c.writers.Done()
	defer c.pinging.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), c.srv.opts.PingTimeout)
	defer cancel()
	err := c.conn.Ping(ctx)
	if errors.Is(err, context.DeadlineExceeded) &&
		c.setClose(websocket.StatusAbnormalClosure, "ping timeout", "server") {
		c.conn.CloseNow()
	}
}
