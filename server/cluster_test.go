//go:build !js

package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/server/natstest"
)

// These tests run a cluster: one nats-server, embedded (natstest), and two
// or three servers sharing it, each behind httptest.

// startNode starts one server of the cluster.
func startNode(t *testing.T, n *natstest.Server, opts server.Options) *testServer {
	t.Helper()
	opts.NATS = n.URL()
	return startServer(t, &opts)
}

// joinChat dials the chat of ts as nick, with query (since, epoch) if
// given, and returns the connection and its welcome.
func joinChat(t *testing.T, ctx context.Context, ts *testServer, nick string, query url.Values) (*websocket.Conn, welcome) {
	t.Helper()
	if query == nil {
		query = url.Values{}
	}
	query.Set("nick", nick)
	c := dial(t, ctx, ts, "/ws/chat?"+query.Encode(), nil)
	c.SetReadLimit(1 << 20)
	return c, readWelcome(t, ctx, c)
}

// tally counts what one fault test sent, had acknowledged and received.
type tally struct {
	sent, acked, received, lost, duplicated int
}

func (tl tally) String() string {
	return fmt.Sprintf("sent %d, acknowledged %d, received %d, lost %d, duplicated %d",
		tl.sent, tl.acked, tl.received, tl.lost, tl.duplicated)
}

// reader reads a member's events until it has seen want says from
// others, and checks that seq goes up by one from event to event.
type reader struct {
	t      *testing.T
	who    string
	last   int64            // the last seq seen
	events map[int64]string // seq → the event, as "type nick text"
	says   map[string]int   // text → times seen
}

func newReader(t *testing.T, who string, after int64) *reader {
	return &reader{t: t, who: who, last: after, events: map[int64]string{}, says: map[string]int{}}
}

// read reads until done says it has enough.
func (r *reader) read(ctx context.Context, c *websocket.Conn, done func(*reader) bool) {
	r.t.Helper()
	for !done(r) {
		e := readEvent(r.t, ctx, c)
		if e.Seq != r.last+1 {
			r.t.Fatalf("%s: event %+v after seq %d: a gap or a repeat", r.who, e, r.last)
		}
		r.last = e.Seq
		r.events[e.Seq] = e.Type + " " + e.Nick + " " + e.Text
		if e.Type == "say" {
			r.says[e.Text]++
		}
	}
}

// sameOrder checks that the readers saw the same event under each seq
// they both saw.
func sameOrder(t *testing.T, rs ...*reader) {
	t.Helper()
	for _, a := range rs {
		for _, b := range rs {
			for seq, ea := range a.events {
				if eb, ok := b.events[seq]; ok && ea != eb {
					t.Errorf("seq %d is %q for %s, %q for %s", seq, ea, a.who, eb, b.who)
				}
			}
		}
	}
}

// TestClusterChat: members on three servers talk at once; every one sees
// every say, under the same seq, with no gap; a nick taken on one server
// is taken on the others.
func TestClusterChat(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	nodes := []*testServer{startNode(t, n, server.Options{}), startNode(t, n, server.Options{}), startNode(t, n, server.Options{})}
	nicks := []string{"alice", "bob", "carol"}
	conns := make([]*websocket.Conn, 3)
	readers := make([]*reader, 3)
	for i, nick := range nicks {
		c, w := joinChat(t, ctx, nodes[i], nick, nil)
		if w.Nick != nick {
			t.Fatalf("%s on node %d is %q", nick, i, w.Nick)
		}
		conns[i], readers[i] = c, newReader(t, nick, w.Seq)
	}
	// alice on another node: the nick is the cluster's.
	_, w := joinChat(t, ctx, nodes[1], "alice", nil)
	if w.Nick != "alice-2" {
		t.Errorf("a second alice, on another node, is %q, want alice-2", w.Nick)
	}
	const says = 20
	for i := range conns {
		go func() {
			for k := range says {
				msg, _ := json.Marshal(map[string]string{"type": "say", "text": fmt.Sprintf("%s-%d", nicks[i], k)})
				if conns[i].Write(ctx, websocket.MessageText, msg) != nil {
					return
				}
			}
		}()
	}
	for i, r := range readers {
		r.read(ctx, conns[i], func(r *reader) bool { return len(r.says) == 3*says })
		for text, k := range r.says {
			if k != 1 {
				t.Errorf("%s saw %q %d times", r.who, text, k)
			}
		}
	}
	sameOrder(t, readers...)
}

// TestClusterFailover: bob's server is killed while alice talks; bob
// comes back on the third server, names the last seq he saw, and gets
// what he missed, once each, in order, then the live events.
func TestClusterFailover(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a, b, c := startNode(t, n, server.Options{}), startNode(t, n, server.Options{}), startNode(t, n, server.Options{})
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	bob, wb := joinChat(t, ctx, b, "bob", nil)
	ra, rb := newReader(t, "alice", wa.Seq), newReader(t, "bob", wb.Seq)
	var tl tally
	sayN := func(from, to int) {
		for k := from; k < to; k++ {
			say(t, ctx, alice, "m"+strconv.Itoa(k))
			tl.sent++
		}
	}
	sayN(0, 10)
	ra.read(ctx, alice, func(r *reader) bool { return len(r.says) == 10 })
	rb.read(ctx, bob, func(r *reader) bool { return len(r.says) == 10 })
	// Killed: its connections cut, no goodbye, then gone.
	b.http.CloseClientConnections()
	b.http.Close()
	sayN(10, 20)
	ra.read(ctx, alice, func(r *reader) bool { return len(r.says) == 20 })
	tl.acked = len(ra.says)
	bob2, w := joinChat(t, ctx, c, "bob", url.Values{"since": {strconv.FormatInt(rb.last, 10)}, "epoch": {wb.Epoch}})
	if w.Recovered == nil || !*w.Recovered || w.Epoch != wb.Epoch {
		t.Fatalf("bob's welcome on another server: %+v, want recovered in epoch %q", w, wb.Epoch)
	}
	sayN(20, 25)
	rb.read(ctx, bob2, func(r *reader) bool { return r.says["m24"] == 1 })
	ra.read(ctx, alice, func(r *reader) bool { return len(r.says) == 25 })
	tl.acked = len(ra.says)
	for k := range 25 {
		switch rb.says["m"+strconv.Itoa(k)] {
		case 0:
			tl.lost++
		case 1:
			tl.received++
		default:
			tl.received++
			tl.duplicated++
		}
	}
	t.Logf("server killed: %s", tl)
	if tl.lost != 0 || tl.duplicated != 0 || tl.acked != tl.sent {
		t.Errorf("server killed: %s", tl)
	}
	sameOrder(t, ra, rb)
}

// TestClusterNATSRestart: nats-server restarts while alice talks; every
// say alice saw acknowledged reaches bob, on the other server, once.
func TestClusterNATSRestart(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a, b := startNode(t, n, server.Options{}), startNode(t, n, server.Options{})
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	bob, wb := joinChat(t, ctx, b, "bob", nil)
	ra, rb := newReader(t, "alice", wa.Seq), newReader(t, "bob", wb.Seq)
	const total = 60
	var tl tally
	var written atomic.Int64
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for k := range total {
			msg, _ := json.Marshal(map[string]string{"type": "say", "text": "m" + strconv.Itoa(k)})
			if alice.Write(ctx, websocket.MessageText, msg) != nil {
				return
			}
			written.Add(1)
			time.Sleep(5 * time.Millisecond)
		}
	}()
	// Bob sees the first says, then NATS goes and comes back.
	rb.read(ctx, bob, func(r *reader) bool { return len(r.says) >= 10 })
	n.Stop()
	before := written.Load()
	time.Sleep(200 * time.Millisecond) // says pile up meanwhile
	during := written.Load() - before
	n.Restart()
	<-sent
	t.Logf("%d says written while nats-server was down", during)
	tl.sent = total
	ra.read(ctx, alice, func(r *reader) bool { return len(r.says) == total })
	tl.acked = len(ra.says)
	rb.read(ctx, bob, func(r *reader) bool { return len(r.says) == total })
	for k := range total {
		switch rb.says["m"+strconv.Itoa(k)] {
		case 0:
			tl.lost++
		case 1:
			tl.received++
		default:
			tl.received++
			tl.duplicated++
		}
	}
	t.Logf("nats-server restarted: %s", tl)
	if tl.lost != 0 || tl.duplicated != 0 {
		t.Errorf("nats-server restarted: %s", tl)
	}
	sameOrder(t, ra, rb)
}

// TestClusterHistoryLimit: the stream keeps HistorySize events; a member
// that missed more, on another server, is told it could not recover.
func TestClusterHistoryLimit(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	opts := server.Options{HistorySize: 5}
	a, b := startNode(t, n, opts), startNode(t, n, opts)
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	dave, wd := joinChat(t, ctx, b, "dave", nil) // b has delivered what he saw
	ra, rd := newReader(t, "alice", wa.Seq), newReader(t, "dave", wd.Seq)
	// One at a time, each acknowledged: the nodes read the stream before
	// its limit drops what they have not read.
	for k := range 10 {
		say(t, ctx, alice, "m"+strconv.Itoa(k))
		ra.read(ctx, alice, func(r *reader) bool { return len(r.says) == k+1 })
		rd.read(ctx, dave, func(r *reader) bool { return r.last == ra.last })
	}
	last := ra.last
	resume := func(since int64) welcome {
		_, w := joinChat(t, ctx, b, "bob", url.Values{"since": {strconv.FormatInt(since, 10)}, "epoch": {wa.Epoch}})
		return w
	}
	if w := resume(last - 8); w.Recovered == nil || *w.Recovered {
		t.Errorf("resume 8 events back, history 5: %+v, want recovered false", w)
	}
	c, w := joinChat(t, ctx, b, "carol", url.Values{"since": {strconv.FormatInt(last-3, 10)}, "epoch": {wa.Epoch}})
	if w.Recovered == nil || !*w.Recovered {
		t.Fatalf("resume 3 events back, history 5: %+v, want recovered", w)
	}
	rc := newReader(t, "carol", last-3)
	rc.read(ctx, c, func(r *reader) bool { return r.last == last })
	if len(rc.says) != 3 {
		t.Errorf("carol got %v back, want the last 3 says", rc.events)
	}
	if w := resume(last + 5); w.Recovered == nil || *w.Recovered {
		t.Errorf("resume from a seq to come: %+v, want recovered false", w)
	}
}

// TestClusterNATSDown: a server told of a NATS that is not there fails
// at once, naming it.
func TestClusterNATSDown(t *testing.T) {
	n := natstest.Start(t)
	url := n.URL()
	n.Stop()
	var o server.Options
	testFiles(t, &o)
	o.NATS = url
	_, err := server.New(&o)
	if err == nil || !strings.Contains(err.Error(), url) {
		t.Errorf("New with NATS down: %v, want an error naming %s", err, url)
	}
}

// TestClusterTicks: the quotes are the cluster's: clients on two servers
// see the same quote under each seq, seqs in a row; one resumes on the
// other server.
func TestClusterTicks(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	opts := server.Options{TickInterval: 10 * time.Millisecond}
	a, b := startNode(t, n, opts), startNode(t, n, opts)
	seen := map[int64]string{}
	var epoch string
	var last int64
	for _, ts := range []*testServer{a, b} {
		c := dial(t, ctx, ts, "/ws/ticks", nil)
		w := readWelcome(t, ctx, c)
		if epoch == "" {
			epoch = w.Epoch
		} else if w.Epoch != epoch {
			t.Errorf("epochs %q and %q: one stream, one epoch", epoch, w.Epoch)
		}
		var prev int64
		for range 8 {
			q := readQuote(t, ctx, c)
			if prev != 0 && q.Seq != prev+1 {
				t.Errorf("quote %d after %d", q.Seq, prev)
			}
			prev = q.Seq
			if s, ok := seen[q.Seq]; ok && s != string(q.raw) {
				t.Errorf("seq %d is %s on one server, %s on the other", q.Seq, s, q.raw)
			}
			seen[q.Seq] = string(q.raw)
		}
		last = prev
		c.CloseNow()
	}
	c := dial(t, ctx, a, "/ws/ticks?since="+strconv.FormatInt(last-3, 10)+"&epoch="+epoch, nil)
	if w := readWelcome(t, ctx, c); w.Recovered == nil || !*w.Recovered {
		t.Fatalf("ticks resumed on the other server: %+v", w)
	}
	for seq := last - 2; seq <= last; seq++ {
		if q := readQuote(t, ctx, c); q.Seq != seq || string(q.raw) != seen[seq] {
			t.Errorf("replayed %s, want seq %d: %s", q.raw, seq, seen[seq])
		}
	}
}

// TestClusterNickFreed: a nick is the cluster's while its member is in the
// room, and free on every server once its leave is announced.
func TestClusterNickFreed(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a, b := startNode(t, n, server.Options{}), startNode(t, n, server.Options{})
	watcher, ww := joinChat(t, ctx, b, "watcher", nil)
	alice, _ := joinChat(t, ctx, a, "alice", nil)
	if _, w := joinChat(t, ctx, b, "alice", nil); w.Nick != "alice-2" {
		t.Errorf("alice taken on a, on b: %q, want alice-2", w.Nick)
	}
	// Her join announced first: a member that leaves before it is gets
	// neither join nor leave.
	r := newReader(t, "watcher", ww.Seq)
	r.read(ctx, watcher, func(r *reader) bool { return slices.Contains(slices.Collect(maps.Values(r.events)), "join alice ") })
	alice.Close(websocket.StatusNormalClosure, "")
	r.read(ctx, watcher, func(r *reader) bool { return r.events[r.last] == "leave alice " })
	if _, w := joinChat(t, ctx, b, "alice", nil); w.Nick != "alice" {
		t.Errorf("alice gone from a, on b: %q, want alice", w.Nick)
	}
}

// TestClusterEpoch: the epoch is the stream's: the same for a server
// started later, new once the stream is recreated (its numbering starts
// again), and a client of the old numbering is told it could not recover.
func TestClusterEpoch(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a := startNode(t, n, server.Options{})
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	ra := newReader(t, "alice", wa.Seq)
	say(t, ctx, alice, "before")
	ra.read(ctx, alice, func(r *reader) bool { return r.says["before"] == 1 })
	if _, w := joinChat(t, ctx, startNode(t, n, server.Options{}), "bob", nil); w.Epoch != wa.Epoch {
		t.Errorf("a later server's epoch %q, want the stream's %q", w.Epoch, wa.Epoch)
	}

	js := jetStream(t, n)
	if err := js.DeleteStream(ctx, "WSAPI_CHAT"); err != nil {
		t.Fatal(err)
	}
	c := startNode(t, n, server.Options{}) // recreates it
	_, w := joinChat(t, ctx, c, "carol", url.Values{"since": {strconv.FormatInt(ra.last, 10)}, "epoch": {wa.Epoch}})
	if w.Epoch == wa.Epoch || w.Recovered == nil || *w.Recovered || w.Seq != 0 {
		t.Errorf("after the stream was recreated: %+v, want a new epoch, seq 0, recovered false", w)
	}
}
