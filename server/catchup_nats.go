//go:build !js

package server

import (
	"context"
	"time"
)

// A node's room may be behind the stream: the node has just started and
// is still reading the room's history, or its delivery lags by a few ms.
// A client that resumes there (a client of a node that died) from a seq
// the room has yet to take would be welcomed recovered:false and then get
// the events it had again, as live ones. So a node serves once it has
// read the history as of its start, and such a resume waits, bounded,
// for the room to catch up (server/docs/cluster.md, "Resume").

const (
	// startWait bounds how long a starting node reads the room's history
	// before it serves chat; past it the node serves, logs, and a resume
	// still waits for its own events (resumeWait).
	startWait = 10 * time.Second
	// resumeWait bounds how long a resume from ahead of what this node
	// delivered waits for the events the stream has: past it, the client
	// is welcomed with recovered:false.
	resumeWait = 2 * time.Second
)

// awaitResume is catchUp, up to resumeWait.
func (b *natsBus) awaitResume(since int64) { b.catchUp(since, resumeWait) }

// readHistory waits, up to startWait, until the room has taken the
// subject's last event as of start (readLast), so that a client that
// comes over from a node that died finds its events here. Past startWait
// (a long history on a slow link) the node serves, with a warning: a
// resume then waits for its own events (catchUp).
func (b *natsBus) readHistory() {
	b.mu.Lock()
	last, some := b.lastSeq, b.lastSSeq > 0
	b.mu.Unlock()
	if some && !b.catchUp(last, startWait) {
		b.log.Warn("nats: the room's history is not all read yet; serving, resumes wait for it",
			"last", last, "wait", startWait)
	}
}

// catchUp waits, up to wait, until the room has taken the event since
// (or a later one), if the stream has it: it reports whether the room
// has. A since beyond the last event this node knows of is asked of
// JetStream once; one beyond the stream's is not waited for. The room's
// lock is not held.
func (b *natsBus) catchUp(since int64, wait time.Duration) bool {
	ctx, cancel := context.WithTimeout(b.ctx, wait)
	defer cancel()
	asked := false
	for {
		b.mu.Lock()
		done, known, some, ch, hook := b.arrived >= since, b.lastSeq, b.lastSSeq > 0, b.progress, b.testWaiting
		b.mu.Unlock()
		switch {
		case done:
			return true
		case since > known || !some:
			if asked {
				return false
			}
			asked = true
			if err := b.readLast(ctx, nil); err != nil {
				return false
			}
			continue
		}
		if hook != nil {
			hook()
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false
		}
	}
}
