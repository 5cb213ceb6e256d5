//go:build !js

package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/coder/websocket"
)

// fakeClient is a room member without a connection: its queue is all the
// room sees. It is finished, so that it never starts a goroutine: nothing
// writes, or closes, on its behalf.
func fakeClient(nick string, queue int) *client {
	return &client{nick: nick, sendQueue: queue, roomSlot: -1, finished: true}
}

// takeEvents empties c's queue and decodes it.
func takeEvents(t *testing.T, c *client) []event {
	t.Helper()
	var events []event
	for _, m := range c.queue {
		var e event
		if err := json.Unmarshal(m.data, &e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	c.queue = nil
	return events
}

// TestPublishNeverWaits publishes from the test goroutine to a member that
// never reads, and to one that reads everything. Each publish must return
// (the test would hang otherwise), the first member must be dropped once
// its queue is full, and the second must see every event in order.
func TestPublishNeverWaits(t *testing.T) {
	r := newRoom()
	slow := fakeClient("slow", 4)
	r.join(slow) // welcome and join: 2 of 4
	fast := fakeClient("fast", 1000)
	r.join(fast) // slow: 3 of 4
	for range 100 {
		r.say(fast, "hi")
	}
	r.say(slow, "ignored: slow has been dropped")
	r.leave(slow) // no second leave
	r.leave(fast)

	if !slow.stopped {
		t.Fatal("slow was not kicked")
	}
	if got := slow.closeState(); got != (closing{websocket.StatusPolicyViolation, "too slow", "server"}) {
		t.Errorf("slow closed with %+v", got)
	}
	if len(slow.queue) != 4 {
		t.Errorf("slow's queue holds %d", len(slow.queue))
	}

	events := takeEvents(t, fast)
	// welcome 1, join 2, say 3 (slow's queue is now full), say 4 drops
	// slow: leave 5, then the other 98 says, 6 to 103.
	want := []event{{Type: "welcome", Nick: "fast", Seq: 1}, {Type: "join", Nick: "fast", Seq: 2}}
	for seq := int64(3); seq <= 103; seq++ {
		if seq == 5 {
			want = append(want, event{Type: "leave", Nick: "slow", Seq: seq})
		} else {
			want = append(want, event{Type: "say", Nick: "fast", Text: "hi", Seq: seq})
		}
	}
	if len(events) != len(want) {
		t.Fatalf("%d events, want %d: %+v", len(events), len(want), events)
	}
	for i := range want {
		events[i].Time = ""
		if events[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, events[i], want[i])
		}
	}
	if len(r.clients) != 0 || len(r.nicks) != 0 {
		t.Errorf("room left with %d clients, nicks %v", len(r.clients), r.nicks)
	}
}

// TestPublishCascade drops several slow members in one publish; each
// leave is announced once, in seq order, to those left.
func TestPublishCascade(t *testing.T) {
	r := newRoom()
	a, b := fakeClient("a", 2), fakeClient("b", 3)
	keep := fakeClient("keep", 100)
	r.join(a)    // a: welcome, join a (full)
	r.join(b)    // a dropped at join b (seq 2), leave a (3); b: welcome, join b, leave a (full)
	r.join(keep) // join keep (4) drops b; leave b (5)
	if a.roomSlot != -1 || b.roomSlot != -1 || keep.roomSlot != 0 || len(r.clients) != 1 {
		t.Fatalf("slots a %d b %d keep %d, %d clients", a.roomSlot, b.roomSlot, keep.roomSlot, len(r.clients))
	}
	var got []string
	for _, e := range takeEvents(t, keep) {
		got = append(got, e.Type+" "+e.Nick)
	}
	want := "[welcome keep join keep leave b]"
	if s := fmt.Sprint(got); s != want {
		t.Errorf("keep got %s, want %s", s, want)
	}
}

func TestValidNick(t *testing.T) {
	for nick, want := range map[string]bool{
		"a": true, "Alice_B-2": true, "012345678901234567890123": true,
		"": false, "0123456789012345678901234": false, "a b": false, "é": false,
		"a.b": false, "a/b": false, "a\x00": false,
	} {
		if got := validNick(nick); got != want {
			t.Errorf("validNick(%q) = %v", nick, got)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for ae, want := range map[string]bool{
		"": false, "gzip": true, "x-gzip": true, "gzip ; q=0.5": true, "gzip;q=0": false,
		"gzip;q=0.0": false, "deflate": false, "*": true, "*;q=0": false, "gzip;q=0, *": false,
		"gzip;q=bad": false,
	} {
		if got := acceptsGzip([]string{ae}); got != want {
			t.Errorf("acceptsGzip(%q) = %v", ae, got)
		}
	}
}
