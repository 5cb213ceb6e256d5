//go:build !js

package server

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Presence announcements.
const (
	// presenceWindow is how long a join or leave may wait to be
	// announced together with the others of a burst.
	presenceWindow = 100 * time.Millisecond
	// maxPresenceNicks is the most nicks one join or leave event names:
	// 1000 nicks of at most 24 characters keep it under 32 KiB, the read
	// limit coder/websocket clients have by default.
	maxPresenceNicks = 1000
)

// room is this node's side of the chat room: its members, their nicks,
// and the events delivered to them. The room's authority is its bus
// (bus.go): it numbers the events, stores them and delivers them, in seq
// order, to the room of every node; the room fans each out to its own
// members and keeps the latest in its history, for those that come back.
// With the in-memory bus, the default, this node is the whole cluster.
//
// Everything happens under mu, so that seq numbers go out in order, but
// nothing under mu waits: a member gets a message by client.send, which
// fails when its queue is full, and such a member is kicked out.
//
// Joins and leaves are not announced one by one: a burst of them would
// cost one broadcast per member, each to every member. They wait, and
// flush announces all that wait at once, the leaves in one event, then
// the joins in another. flush runs from a timer, window after the first
// of them, and before a say of a member whose join waits, so that nobody
// sees a member talk before it joined. Only that say flushes: a say
// names its speaker alone, so the others' says need no flush, and a
// room that chats through a burst of joins still announces them
// together. A member that leaves before its join was announced is
// announced neither way, and a nick stays taken until its leave is
// announced, so that the room never names two members alike.
type room struct {
	mu      sync.Mutex
	bus     bus
	seq     int64 // the last event delivered
	clients []*client
	nicks   map[string]bool // the members' and those of leaves not yet announced
	guests  int
	closed  bool // shutting down: no more broadcasts

	history history // the latest events delivered, for clients that come back

	window  time.Duration
	joins   []*client // joined, in order, not yet announced
	leaves  []string  // nicks of members gone, not yet announced
	timer   *time.Timer
	armed   bool           // timer will run flushTimer
	flushes sync.WaitGroup // one while armed, until flushTimer returns
}

// newRoom makes the room of this node, with the in-memory bus, whose
// numbering is named epoch; a server of a cluster then gives it another
// (attachNATS).
func newRoom(epoch string, h history) *room {
	r := &room{nicks: make(map[string]bool), window: presenceWindow, history: h}
	r.bus = &memBus{room: r, name: epoch}
	return r
}

// join gives c its nick and sends it the welcome at once, then, if it
// comes back with a resume position the history still covers, the events
// it missed, in order, before any live one (the room's lock is held); its
// join is announced with the next flush. The nick is claimed first, with
// the lock released while the bus answers (unique), then, the lock still
// released, a resume from ahead of what this node delivered waits for
// the bus to deliver up to it (awaitResume), so that those events are
// not sent again as live ones.
func (r *room) join(c *client) {
	r.mu.Lock()
	nick := c.nick
	if nick == "" {
		r.guests++
		nick = "guest-" + strconv.Itoa(r.guests)
	}
	b := r.bus
	r.mu.Unlock()
	nick = r.unique(nick)
	if c.resume.given && c.resume.epoch == b.epoch() {
		b.awaitResume(c.resume.since)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	c.nick = nick
	c.roomSlot = len(r.clients)
	r.clients = append(r.clients, c)
	now := time.Now()
	var missed []*message
	ok := false
	epoch := r.bus.epoch()
	if c.resume.given && c.resume.epoch == epoch {
		missed, ok = r.history.after(c.resume.since, r.seq, now)
	}
	// The queue is new and holds at least two messages, and the replay
	// is given room of its own: this cannot fail.
	c.send(encode(event{Type: "welcome", Nick: c.nick, Seq: r.seq, Time: stamp(now),
		Epoch: epoch, Recovered: recoveredField(c.resume, ok)}))
	c.sendReplay(missed)
	c.joinPending = true
	r.joins = append(r.joins, c)
	r.arm()
}

// unique claims nick, or nick with the first free suffix from -2 on, and
// returns it. A nick is free when no member of this node has it and the
// bus grants it (another node's member may have it). The room's lock is
// not held while the bus is asked (a cluster's asks NATS, which may be
// slow): the nick is reserved in r.nicks meanwhile, so that no other
// join of this node takes it, and given back if the bus refuses it.
func (r *room) unique(nick string) string {
	for i := 1; ; i++ {
		n := nick
		if i > 1 {
			n = nick + "-" + strconv.Itoa(i)
		}
		r.mu.Lock()
		taken, b := r.nicks[n], r.bus
		r.nicks[n] = true
		r.mu.Unlock()
		if taken {
			continue
		}
		if b.claim(n) {
			return n
		}
		r.mu.Lock()
		delete(r.nicks, n)
		r.mu.Unlock()
	}
}

// say publishes text from c, unless c has been kicked out. If c's join
// waits, the flush comes first. If the bus cannot take more (a cluster's
// NATS is away, Options.PublishQueue), c is told that its say is refused:
// it is neither lost unseen nor acknowledged, and what is queued stays.
func (r *room) say(c *client, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot < 0 {
		return
	}
	if c.joinPending {
		r.flush()
		if c.roomSlot < 0 {
			return // dropped by the flush
		}
	}
	if !r.closed && r.bus.full() {
		r.sendOrKick(c, encode(refusal{Type: "refused", Text: text, Reason: reasonBusy, Time: stamp(time.Now())}))
		return
	}
	r.publish("say", []string{c.nick}, text)
}

// sendOrKick sends m to c, with r.mu held, and kicks c out with 1008
// "too slow" if its queue is full.
func (r *room) sendOrKick(c *client, m *message) {
	if !c.send(m) {
		r.remove(c)
		c.kick(websocket.StatusPolicyViolation, "too slow")
	}
}

// leave removes c, unless it has been kicked out already.
func (r *room) leave(c *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.roomSlot >= 0 {
		r.remove(c)
	}
}

// shutdown stops the broadcasts: every member is being closed. Joins and
// leaves not yet announced never will be. It returns once no flush runs
// or will.
func (r *room) shutdown() {
	r.mu.Lock()
	r.closed = true
	r.joins, r.leaves = nil, nil
	r.disarm()
	r.mu.Unlock()
	r.flushes.Wait()
}

// remove takes c out of the room and has its leave announced, or, if its
// join waits still, neither.
func (r *room) remove(c *client) {
	last := len(r.clients) - 1
	moved := r.clients[last]
	r.clients[c.roomSlot] = moved
	moved.roomSlot = c.roomSlot
	r.clients[last] = nil
	r.clients = r.clients[:last]
	c.roomSlot = -1
	if c.joinPending {
		c.joinPending = false
		if i := slices.Index(r.joins, c); i >= 0 {
			r.joins = slices.Delete(r.joins, i, i+1)
		}
		delete(r.nicks, c.nick)
		r.bus.release(c.nick)
		return
	}
	r.leaves = append(r.leaves, c.nick)
	r.arm()
}

// arm makes the timer flush within window, unless it will already.
func (r *room) arm() {
	if r.armed || r.closed {
		return
	}
	r.armed = true
	r.flushes.Add(1)
	if r.timer == nil {
		r.timer = time.AfterFunc(r.window, r.flushTimer)
	} else {
		r.timer.Reset(r.window)
	}
}

// disarm stops the timer if it has yet to fire. If it has fired,
// flushTimer is waiting for mu, and does the rest.
func (r *room) disarm() {
	if r.armed && r.timer.Stop() {
		r.armed = false
		r.flushes.Done()
	}
}

// flushTimer runs in the timer's goroutine.
func (r *room) flushTimer() {
	defer r.flushes.Done()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	r.flush()
}

// flush announces the leaves that wait, then the joins, each in one
// event (of at most maxPresenceNicks nicks), with r.mu held. Members
// dropped meanwhile for being slow wait for the next flush.
func (r *room) flush() {
	r.disarm()
	if r.closed {
		return
	}
	if leaves := r.leaves; len(leaves) > 0 {
		r.leaves = nil
		for _, nick := range leaves {
			delete(r.nicks, nick)
			r.bus.release(nick)
		}
		r.publishAll("leave", leaves)
	}
	if joins := r.joins; len(joins) > 0 {
		r.joins = nil
		nicks := make([]string, len(joins))
		for i, c := range joins {
			c.joinPending = false
			nicks[i] = c.nick
		}
		r.publishAll("join", nicks)
	}
}

// publishAll publishes the join or leave of nicks.
func (r *room) publishAll(typ string, nicks []string) {
	for len(nicks) > 0 {
		n := min(len(nicks), maxPresenceNicks)
		r.publish(typ, nicks[:n:n], "")
		nicks = nicks[n:]
	}
}

// publish hands the next event to the bus, with r.mu held; the bus
// numbers it and delivers it (deliverLocked), here and on every node.
func (r *room) publish(typ string, nicks []string, text string) {
	if r.closed {
		return
	}
	e := event{Type: typ, Nick: nicks[0], Text: text}
	if len(nicks) > 1 {
		e.Nicks = nicks
	}
	r.bus.publish(e)
}

// deliver is deliverLocked for a bus that delivers from a goroutine of
// its own.
func (r *room) deliver(seq int64, at time.Time, m *message) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliverLocked(seq, at, m)
}

// deliverLocked sends the event seq, the next one, to every member, with
// r.mu held, and keeps it in the history. It never waits: a member whose
// queue is full is kicked out with 1008 "too slow", and its leave waits
// for the next flush. Events delivered after Shutdown began are dropped:
// every member is going.
func (r *room) deliverLocked(seq int64, at time.Time, m *message) {
	if r.closed {
		return
	}
	if seq != r.seq+1 {
		// A bus's stream dropped events before this node read them (its
		// history limits): the history starts again here, and members
		// see the gap in seq.
		r.history.reset()
	}
	r.seq = seq
	r.history.add(seq, at, m)
	var slow []*client
	for _, c := range r.clients {
		if !c.send(m) {
			slow = append(slow, c)
		}
	}
	for _, c := range slow {
		r.remove(c)
		c.kick(websocket.StatusPolicyViolation, "too slow")
	}
}
