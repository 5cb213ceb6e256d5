//go:build !js

package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

// welcome is the first message on /ws/chat and /ws/ticks.
type welcome struct {
	Type      string `json:"type"`
	Nick      string `json:"nick"`
	Epoch     string `json:"epoch"`
	Seq       int64  `json:"seq"`
	Recovered *bool  `json:"recovered"`
}

func readWelcome(t *testing.T, ctx context.Context, c *websocket.Conn) welcome {
	t.Helper()
	w, data := readJSON[welcome](t, ctx, c)
	if w.Type != "welcome" {
		t.Fatalf("not a welcome: %s", data)
	}
	return w
}

type quote struct {
	Type   string  `json:"type"`
	Seq    int64   `json:"seq"`
	Time   string  `json:"time"`
	Symbol string  `json:"symbol"`
	Price  float64 `json:"price"`
	raw    []byte
}

func readQuote(t *testing.T, ctx context.Context, c *websocket.Conn) quote {
	t.Helper()
	q, data := readJSON[quote](t, ctx, c)
	q.raw = data
	return q
}

// readJSON reads a JSON text message into a T, and returns it with the
// message.
func readJSON[T any](t *testing.T, ctx context.Context, c *websocket.Conn) (T, []byte) {
	t.Helper()
	var v T
	typ, data, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if typ != websocket.MessageText || json.Unmarshal(data, &v) != nil {
		t.Fatalf("not a JSON text message: %v %q", typ, data)
	}
	return v, data
}

func resumePath(path string, since int64, epoch string) string {
	return path + "since=" + strconv.FormatInt(since, 10) + "&epoch=" + epoch
}

// TestChatResume: a member that comes back with the last seq it saw is
// sent what it missed, in order, each once, then the live events.
func TestChatResume(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	wa := readWelcome(t, ctx, alice)
	if wa.Epoch == "" || wa.Recovered != nil {
		t.Errorf("welcome without since: %+v", wa)
	}
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "alice", Seq: 1})
	bob := dial(t, ctx, ts, "/ws/chat?nick=bob", nil)
	readWelcome(t, ctx, bob)
	expect(t, ctx, bob, chatEvent{Type: "join", Nick: "bob", Seq: 2})
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "bob", Seq: 2})
	// Bob's link dies; alice talks on.
	bob.CloseNow()
	expect(t, ctx, alice, chatEvent{Type: "leave", Nick: "bob", Seq: 3})
	for i := range 3 {
		say(t, ctx, alice, "missed "+strconv.Itoa(i))
		expect(t, ctx, alice, chatEvent{Type: "say", Nick: "alice", Text: "missed " + strconv.Itoa(i), Seq: int64(4 + i)})
	}
	bob = dial(t, ctx, ts, resumePath("/ws/chat?nick=bob&", 2, wa.Epoch), nil)
	w := readWelcome(t, ctx, bob)
	if w.Recovered == nil || !*w.Recovered || w.Epoch != wa.Epoch || w.Seq != 6 {
		t.Fatalf("welcome %+v, want recovered at seq 6", w)
	}
	expect(t, ctx, bob, chatEvent{Type: "leave", Nick: "bob", Seq: 3})
	for i := range 3 {
		expect(t, ctx, bob, chatEvent{Type: "say", Nick: "alice", Text: "missed " + strconv.Itoa(i), Seq: int64(4 + i)})
	}
	expect(t, ctx, bob, chatEvent{Type: "join", Nick: "bob", Seq: 7}) // live
	say(t, ctx, alice, "welcome back")
	expect(t, ctx, bob, chatEvent{Type: "say", Nick: "alice", Text: "welcome back", Seq: 8})

	// Up to date: recovered, nothing replayed.
	carol := dial(t, ctx, ts, resumePath("/ws/chat?nick=carol&", 8, wa.Epoch), nil)
	if w := readWelcome(t, ctx, carol); w.Recovered == nil || !*w.Recovered {
		t.Errorf("since the latest: %+v", w)
	}
	expect(t, ctx, carol, chatEvent{Type: "join", Nick: "carol", Seq: 9})
}

// TestResumeRefused: what cannot be replayed whole is not replayed at all,
// and the welcome says so.
func TestResumeRefused(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{HistorySize: 3})
	ctx := testContext(t)
	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	epoch := readWelcome(t, ctx, alice).Epoch
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "alice", Seq: 1})
	for i := range 5 {
		say(t, ctx, alice, "x")
		expect(t, ctx, alice, chatEvent{Type: "say", Nick: "alice", Text: "x", Seq: int64(2 + i)})
	}
	cur := int64(6) // the room's latest seq
	for _, c := range []struct {
		name  string
		back  int64 // since is cur - back
		epoch string
		ok    bool
	}{
		{"gone from the history", 4, epoch, false},
		{"just in the history", 3, epoch, true},
		{"another epoch", 1, "0123", false},
		{"no epoch", 1, "", false},
		{"from the future", -1, epoch, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			since := cur - c.back
			bob := dial(t, ctx, ts, resumePath("/ws/chat?nick=bob&", since, c.epoch), nil)
			w := readWelcome(t, ctx, bob)
			if w.Recovered == nil || *w.Recovered != c.ok {
				t.Fatalf("welcome %+v, want recovered %v", w, c.ok)
			}
			if c.ok {
				for seq := since + 1; seq <= w.Seq; seq++ {
					if e := readEvent(t, ctx, bob); e.Seq != seq {
						t.Fatalf("replayed seq %d, want %d", e.Seq, seq)
					}
				}
			}
			// Then live, with no replay in between.
			if e := readEvent(t, ctx, bob); e.Type != "join" || e.Seq <= w.Seq {
				t.Errorf("after the welcome: %+v", e)
			}
			bob.Close(websocket.StatusNormalClosure, "")
			readEvent(t, ctx, alice)           // bob's join
			cur = readEvent(t, ctx, alice).Seq // and leave
		})
	}
	for _, q := range []string{"since=-1", "since=x", "since=1&epoch=" + strings.Repeat("e", 65)} {
		if st := dialStatus(t, ctx, ts, "/ws/chat?"+q, nil); st != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", q, st)
		}
		if st := dialStatus(t, ctx, ts, "/ws/ticks?"+q, nil); st != http.StatusBadRequest {
			t.Errorf("ticks %s: HTTP %d, want 400", q, st)
		}
	}
}

// TestResumeAge: events older than HistoryAge are not replayed.
func TestResumeAge(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{HistoryAge: time.Millisecond})
	ctx := testContext(t)
	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	epoch := readWelcome(t, ctx, alice).Epoch
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "alice", Seq: 1})
	time.Sleep(10 * time.Millisecond) // past the age: not a measure
	bob := dial(t, ctx, ts, resumePath("/ws/chat?", 0, epoch), nil)
	if w := readWelcome(t, ctx, bob); w.Recovered == nil || *w.Recovered {
		t.Errorf("welcome %+v, want recovered false", w)
	}
}

// TestRestartEpoch: a new server has a new epoch, and recovers nothing of
// the old one's.
func TestRestartEpoch(t *testing.T) {
	checkGoroutines(t)
	ctx := testContext(t)
	a := startServer(t, nil)
	c := dial(t, ctx, a, "/ws/chat?nick=alice", nil)
	wa := readWelcome(t, ctx, c)
	b := startServer(t, nil)
	c = dial(t, ctx, b, resumePath("/ws/chat?nick=alice&", 0, wa.Epoch), nil)
	wb := readWelcome(t, ctx, c)
	if wb.Epoch == wa.Epoch || wb.Recovered == nil || *wb.Recovered {
		t.Errorf("old %+v, new %+v", wa, wb)
	}
}

// TestTicksResume: quotes have a stream-wide seq; a client that comes back
// gets those it missed, then the live ones, each once.
func TestTicksResume(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{TickInterval: 2 * time.Millisecond})
	ctx := testContext(t)
	a := dial(t, ctx, ts, "/ws/ticks", nil)
	w := readWelcome(t, ctx, a)
	var last int64
	for range 3 {
		last = readQuote(t, ctx, a).Seq
	}
	a.CloseNow()
	// Another client sees the stream go on meanwhile.
	b := dial(t, ctx, ts, "/ws/ticks", nil)
	readWelcome(t, ctx, b)
	for readQuote(t, ctx, b).Seq < last+5 {
	}
	a = dial(t, ctx, ts, resumePath("/ws/ticks?", last, w.Epoch), nil)
	w2 := readWelcome(t, ctx, a)
	if w2.Recovered == nil || !*w2.Recovered || w2.Epoch != w.Epoch || w2.Seq < last+5 {
		t.Fatalf("welcome %+v after seq %d", w2, last)
	}
	for seq := last + 1; seq <= w2.Seq+5; seq++ {
		if q := readQuote(t, ctx, a); q.Seq != seq {
			t.Fatalf("quote seq %d, want %d", q.Seq, seq)
		}
	}
	c := dial(t, ctx, ts, resumePath("/ws/ticks?", last, "other"), nil)
	if w := readWelcome(t, ctx, c); w.Recovered == nil || *w.Recovered {
		t.Errorf("another epoch: %+v", w)
	}
	if q := readQuote(t, ctx, c); q.Seq < w2.Seq {
		t.Errorf("not recovered, yet quote %d before the welcome's %d", q.Seq, w2.Seq)
	}
}

// TestChatResumeUnderLoad: bob comes back again and again while alice
// talks as fast as she can; each time, what he is sent continues his
// sequence exactly, replay then live, with no gap and no duplicate.
func TestChatResumeUnderLoad(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{RateLimit: -1, SendQueue: 1024})
	ctx := testContext(t)
	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	epoch := readWelcome(t, ctx, alice).Epoch
	const says = 300
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range says {
			msg, _ := json.Marshal(map[string]string{"type": "say", "text": strconv.Itoa(i)})
			if alice.Write(ctx, websocket.MessageText, msg) != nil {
				return
			}
		}
	}()
	go func() { // alice reads, or the room would drop her as too slow
		for {
			if _, _, err := alice.Read(ctx); err != nil {
				return
			}
		}
	}()
	last := int64(0)
	seen := map[string]bool{}
	for round := 0; !seen[strconv.Itoa(says-1)]; round++ {
		bob := dial(t, ctx, ts, resumePath("/ws/chat?nick=bob&", last, epoch), nil)
		w := readWelcome(t, ctx, bob)
		if w.Recovered == nil || !*w.Recovered {
			t.Fatalf("round %d: welcome %+v after seq %d", round, w, last)
		}
		// A few events, then the link drops.
		for range 40 {
			e := readEvent(t, ctx, bob)
			if e.Seq != last+1 {
				t.Fatalf("round %d: seq %d after %d", round, e.Seq, last)
			}
			last = e.Seq
			if e.Type == "say" && e.Nick == "alice" {
				if seen[e.Text] {
					t.Fatalf("say %q twice", e.Text)
				}
				seen[e.Text] = true
			}
			if seen[strconv.Itoa(says-1)] {
				break
			}
		}
		bob.CloseNow()
	}
	<-done
	if len(seen) != says {
		t.Errorf("bob saw %d of alice's %d says", len(seen), says)
	}
}
