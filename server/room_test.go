//go:build !js

package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fakeClient is a room member without a connection: its queue is all the
// room sees. It is finished, so that it never starts a goroutine: nothing
// writes, or closes, on its behalf.
func fakeClient(nick string, queue int) *client {
	return &client{nick: nick, sendQueue: queue, roomSlot: -1, finished: true}
}

// testRoom is a room whose timer never fires during a test: the test
// calls flush itself.
func testRoom(t *testing.T) *room {
	r := newRoom("test", history{size: 100, age: time.Hour})
	r.window = time.Hour
	t.Cleanup(r.shutdown)
	return r
}

// flush flushes r as its timer would.
func flush(r *room) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flush()
}

// takeEvents empties c's queue and decodes it.
func takeEvents(t *testing.T, c *client) []event {
	t.Helper()
	c.mu.Lock()
	queue := c.queue
	c.queue = nil
	c.mu.Unlock()
	var events []event
	for _, m := range queue {
		var e event
		if err := json.Unmarshal(m.data, &e); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

// brief renders events as "seq type nick,nick" or "seq say nick: text",
// for comparing.
func brief(events []event) string {
	var b strings.Builder
	for _, e := range events {
		nicks := []string{e.Nick}
		if e.Nicks != nil {
			if len(e.Nicks) < 2 || e.Nicks[0] != e.Nick {
				return fmt.Sprintf("bad event %+v", e)
			}
			nicks = e.Nicks
		}
		fmt.Fprintf(&b, "%d %s %s", e.Seq, e.Type, strings.Join(nicks, ","))
		if e.Text != "" {
			fmt.Fprintf(&b, ": %s", e.Text)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func wantEvents(t *testing.T, who *client, want string) {
	t.Helper()
	if got := brief(takeEvents(t, who)); got != want {
		t.Errorf("%s got\n%swant\n%s", who.nick, got, want)
	}
}

// TestPublishNeverWaits publishes from the test goroutine to a member that
// never reads, and to one that reads everything. Each publish must return
// (the test would hang otherwise), the first member must be dropped once
// its queue is full, and the second must see every event in order.
func TestPublishNeverWaits(t *testing.T) {
	r := testRoom(t)
	slow := fakeClient("slow", 4)
	r.join(slow) // welcome: 1 of 4
	fast := fakeClient("fast", 1000)
	r.join(fast)
	for range 100 {
		r.say(fast, "hi") // the first flushes the joins: slow 2 of 4
	}
	r.say(slow, "ignored: slow has been dropped")
	flush(r)
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

	// welcome 0, joins 1, say 2 and 3 (slow's queue is now full), say 4
	// drops slow, says up to 101, then the flush: leave 102.
	want := "0 welcome fast\n1 join slow,fast\n"
	for seq := 2; seq <= 101; seq++ {
		want += fmt.Sprintf("%d say fast: hi\n", seq)
	}
	want += "102 leave slow\n"
	wantEvents(t, fast, want)
	if len(r.clients) != 0 || len(r.leaves) != 1 || len(r.nicks) != 1 || !r.nicks["fast"] {
		t.Errorf("room left with %d clients, leaves %v, nicks %v", len(r.clients), r.leaves, r.nicks)
	}
	flush(r)
	if len(r.nicks) != 0 || r.seq != 103 {
		t.Errorf("room left with nicks %v, seq %d", r.nicks, r.seq)
	}
}

// TestPublishCascade drops slow members in one publish, and more in the
// flush that announces their leaves: each leave is announced once, in the
// flush after the drop, to those left.
func TestPublishCascade(t *testing.T) {
	r := testRoom(t)
	a, b, c := fakeClient("a", 2), fakeClient("b", 3), fakeClient("c", 3)
	keep := fakeClient("keep", 100)
	for _, m := range []*client{a, b, c, keep} {
		r.join(m)
	}
	flush(r)           // welcomes, join a,b,c,keep (1): a full
	r.say(keep, "one") // 2 drops a; b and c full
	flush(r)           // leave a (3) drops b and c
	flush(r)           // leave b,c (4)
	flush(r)           // nothing
	if a.roomSlot != -1 || b.roomSlot != -1 || c.roomSlot != -1 || keep.roomSlot != 0 || len(r.clients) != 1 {
		t.Fatalf("slots a %d b %d c %d keep %d, %d clients", a.roomSlot, b.roomSlot, c.roomSlot, keep.roomSlot, len(r.clients))
	}
	wantEvents(t, keep, "0 welcome keep\n1 join a,b,c,keep\n2 say keep: one\n3 leave a\n4 leave b,c\n")
	if len(r.nicks) != 1 {
		t.Errorf("nicks %v", r.nicks)
	}
}

// TestPresenceBurst: the joins of a burst are one event, and so are the
// leaves; and the kicks of one publish are one leave.
func TestPresenceBurst(t *testing.T) {
	r := testRoom(t)
	w := fakeClient("w", 1000)
	r.join(w)
	flush(r)
	var ms []*client
	var nicks []string
	for i := range 50 {
		queue := 1000
		if i%2 == 1 {
			queue = 3 // welcome, join, say: dropped by the second say
		}
		m := fakeClient(fmt.Sprintf("m%d", i), queue)
		r.join(m)
		ms = append(ms, m)
		nicks = append(nicks, m.nick)
	}
	flush(r)
	r.say(w, "one")
	r.say(w, "two") // drops the 25 odd ones
	flush(r)
	var even, odd []string
	for i, m := range ms {
		if i%2 == 0 {
			r.leave(m)
			even = append(even, m.nick)
		} else {
			odd = append(odd, m.nick)
		}
	}
	flush(r)
	wantEvents(t, w, fmt.Sprintf("0 welcome w\n1 join w\n2 join %s\n3 say w: one\n4 say w: two\n5 leave %s\n6 leave %s\n",
		strings.Join(nicks, ","), strings.Join(odd, ","), strings.Join(even, ",")))
}

// TestPresenceChunks: an event names at most maxPresenceNicks nicks.
func TestPresenceChunks(t *testing.T) {
	r := testRoom(t)
	w := fakeClient("w", 10)
	r.join(w)
	for i := range maxPresenceNicks {
		r.join(fakeClient(fmt.Sprint(i), 10))
	}
	flush(r)
	events := takeEvents(t, w)
	if len(events) != 3 || len(events[1].Nicks) != maxPresenceNicks || events[1].Nick != "w" || events[1].Seq != 1 ||
		events[2].Nicks != nil || events[2].Nick != fmt.Sprint(maxPresenceNicks-1) || events[2].Seq != 2 {
		t.Fatalf("got %d events, want welcome, %d joins, 1 join", len(events), maxPresenceNicks)
	}
	if n := len(encode(event{Type: "leave", Nick: "x", Nicks: make([]string, maxPresenceNicks), Seq: 1 << 62, Time: stamp(time.Now())}).data) +
		maxPresenceNicks*maxNick; n > 32<<10 {
		t.Errorf("a leave of %d nicks may take %d bytes", maxPresenceNicks, n)
	}
}

// TestSayAfterJoin: a member's say never comes before its join: it
// flushes what waits. Another member's say does not.
func TestSayAfterJoin(t *testing.T) {
	r := testRoom(t)
	a, b, c, w := fakeClient("a", 100), fakeClient("b", 100), fakeClient("c", 100), fakeClient("w", 100)
	r.join(w)
	flush(r)
	r.join(a)
	r.leave(w)
	r.join(b)
	r.say(b, "hi") // leave w, join a,b, say
	r.join(c)
	r.say(a, "no flush")
	r.say(c, "flush")
	wantEvents(t, a, "1 welcome a\n2 leave w\n3 join a,b\n4 say b: hi\n5 say a: no flush\n6 join c\n7 say c: flush\n")
	wantEvents(t, c, "4 welcome c\n5 say a: no flush\n6 join c\n7 say c: flush\n")
}

// TestNickReuse: a nick stays taken until its leave is announced, so the
// room never names two members alike.
func TestNickReuse(t *testing.T) {
	r := testRoom(t)
	w := fakeClient("w", 100)
	r.join(w)
	alice := fakeClient("alice", 100)
	r.join(alice)
	flush(r)
	r.leave(alice)
	again := fakeClient("alice", 100)
	r.join(again) // alice's leave waits
	flush(r)
	late := fakeClient("alice", 100)
	r.join(late) // now free
	flush(r)
	wantEvents(t, w, "0 welcome w\n1 join w,alice\n2 leave alice\n3 join alice-2\n4 join alice\n")
}

// TestJoinLeaveInWindow: a member that comes and goes before its join
// was announced is announced neither way, and its nick is free at once;
// one that spoke was announced, and so is its leave.
func TestJoinLeaveInWindow(t *testing.T) {
	r := testRoom(t)
	w := fakeClient("w", 100)
	r.join(w)
	flush(r)
	x := fakeClient("x", 100)
	r.join(x)
	r.leave(x)
	if r.nicks["x"] || len(r.joins) != 0 || len(r.leaves) != 0 {
		t.Fatalf("nicks %v, joins %d, leaves %v", r.nicks, len(r.joins), r.leaves)
	}
	flush(r)
	y := fakeClient("x", 100)
	r.join(y)
	r.say(y, "bye")
	r.leave(y)
	z := fakeClient("z", 2) // dropped by the flush, before its join
	r.join(z)
	r.say(w, "fills z")
	flush(r)
	wantEvents(t, w, "0 welcome w\n1 join w\n2 join x\n3 say x: bye\n4 say w: fills z\n5 leave x\n")
	if !z.stopped || r.nicks["z"] || r.nicks["x"] {
		t.Errorf("z stopped %v, nicks %v", z.stopped, r.nicks)
	}
}

// TestPresenceTimer: the timer announces what waits, at most a window
// after the first; shutdown stops it, and what waits is not announced.
func TestPresenceTimer(t *testing.T) {
	r := newRoom("test", history{size: 100, age: time.Hour})
	r.window = 20 * time.Millisecond
	w := fakeClient("w", 100)
	start := time.Now()
	r.join(w)
	r.join(fakeClient("a", 100))
	for {
		r.mu.Lock()
		n := r.seq
		r.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatal("no flush")
		}
		time.Sleep(time.Millisecond)
	}
	if d := time.Since(start); d < r.window {
		t.Errorf("flushed after %v, before the window", d)
	}
	wantEvents(t, w, "0 welcome w\n1 join w,a\n")
	r.join(fakeClient("b", 100))
	r.shutdown()
	r.mu.Lock()
	armed := r.armed
	r.mu.Unlock()
	time.Sleep(2 * r.window)
	wantEvents(t, w, "")
	if armed || r.seq != 1 {
		t.Errorf("after shutdown: armed %v, seq %d", armed, r.seq)
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
