//go:build !js

package server

import (
	"time"
)

// bus is the chat room's authority, behind this node's room (room.go),
// which fans its events out to the node's members, as Centrifugo's Broker
// and PresenceManager sit behind its nodes. It numbers the room's events
// (seq, per room, gap-free, one order for every node), stores them,
// delivers each to the room of every node, in seq order, by
// room.deliverLocked or room.deliver, and names the numbering (epoch).
// It grants nicks, so that no two members of the cluster share one.
//
// Two buses: memBus, the default, is this process alone, today's
// behaviour; natsBus (bus_nats.go) is a NATS JetStream stream shared by
// the nodes of a cluster (docs: server/docs/cluster.md).
type bus interface {
	// epoch names the numbering of seq: it changes when the numbering
	// restarts (a new process for memBus, a new stream for natsBus).
	epoch() string
	// publish numbers e (its Seq and Time are set here), stores it and
	// delivers it. The room's lock is held: it must not wait.
	publish(e event)
	// full reports whether the events not yet stored fill the bus's
	// queue: a say is then refused rather than published, and a join or
	// leave is published still. The room's lock is held.
	full() bool
	// claim takes nick for a member of this node, unless a member of the
	// cluster has it. The room's lock is not held: it may wait.
	claim(nick string) bool
	// release gives nick back, before any event published after it is
	// delivered. The room's lock is held: it must not wait.
	release(nick string)
	// awaitResume waits, bounded, until the room has been delivered
	// the event since, when the bus knows it exists but this node has
	// yet to deliver it (a node that just started, or lags): a client
	// resuming from since is then served recovered, not given the
	// events it had again. The room's lock is not held: it may wait.
	awaitResume(since int64)
	// close stops the deliveries and releases what the bus holds; the
	// room is shut down first.
	close()
}

// memBus is the bus of a server alone: it numbers and delivers at once,
// under the room's lock, so that an event reaches every member before
// publish returns; the room's own nick map is all the claims there are.
type memBus struct {
	room *room
	seq  int64
	name string
}

func (b *memBus) epoch() string { return b.name }

func (b *memBus) publish(e event) {
	b.seq++
	now := time.Now()
	e.Seq, e.Time = b.seq, stamp(now)
	b.room.deliverLocked(b.seq, now, encode(e))
}

func (b *memBus) full() bool        { return false }
func (b *memBus) claim(string) bool { return true }
func (b *memBus) release(string)    {}
func (b *memBus) awaitResume(int64) {} // delivered at once: nothing to wait for
func (b *memBus) close()            {}
