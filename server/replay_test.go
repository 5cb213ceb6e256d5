//go:build !js

package server

import (
	"slices"
	"testing"
)

// TestReplayQueueLimit: the queue of a resumed client holds its replay
// beyond Options.SendQueue only while the replay waits to be written;
// live events find the usual bound meanwhile, and after.
func TestReplayQueueLimit(t *testing.T) {
	const limit, replayed = 2, 5
	// writing: the writer is taken to run, and the test plays its part.
	c := &client{sendQueue: limit, writing: true}
	m := &message{data: []byte("{}")}
	c.send(m) // the welcome
	c.sendReplay(slices.Repeat([]*message{m}, replayed))
	if len(c.queue) != 1+replayed {
		t.Fatalf("welcome and replay: %d queued, want %d", len(c.queue), 1+replayed)
	}
	// write has the writer take n messages and write them.
	write := func(n int) {
		c.mu.Lock()
		c.inflight, c.queue = n, c.queue[n:]
		c.batchDoneLocked()
		c.mu.Unlock()
	}
	liveRoom := func() int {
		n := 0
		for n <= limit+replayed && c.send(m) {
			n++
		}
		return n
	}
	write(3) // the welcome and 2 of the replay
	if n := liveRoom(); n != limit {
		t.Errorf("3 of the replay waiting: room for %d live events, want SendQueue %d", n, limit)
	}
	write(len(c.queue))
	if n := liveRoom(); n != limit {
		t.Errorf("the replay written: room for %d live events, want SendQueue %d", n, limit)
	}
}
