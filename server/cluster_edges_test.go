//go:build !js

package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/server/natstest"
)

// These cluster tests are at the edges: a history aged out, NATS gone at
// shutdown, credentials in the URL.

// jetStream is the test's own client of n, closed when the test ends.
func jetStream(t *testing.T, n *natstest.Server) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(n.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// waitStreamEmpty waits until the stream name has dropped every message
// (its MaxAge), as a cluster that stayed quiet longer than HistoryAge.
func waitStreamEmpty(t *testing.T, ctx context.Context, n *natstest.Server, name string) {
	t.Helper()
	js := jetStream(t, n)
	for {
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if s.CachedInfo().State.Msgs == 0 && s.CachedInfo().State.LastSeq > 0 {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("stream %s still holds %d messages", name, s.CachedInfo().State.Msgs)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestClusterHistoryAged: the room stays quiet longer than HistoryAge, and
// the stream drops every event it had; the room goes on, numbered after
// its last event, from the server that saw it and from one started since.
func TestClusterHistoryAged(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	opts := server.Options{HistoryAge: time.Second}
	a := startNode(t, n, opts)
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	ra := newReader(t, "alice", wa.Seq)
	say(t, ctx, alice, "before")
	ra.read(ctx, alice, func(r *reader) bool { return r.says["before"] == 1 })
	waitStreamEmpty(t, ctx, n, "WSAPI_CHAT")
	say(t, ctx, alice, "after")
	ra.read(ctx, alice, func(r *reader) bool { return r.says["after"] == 1 })

	waitStreamEmpty(t, ctx, n, "WSAPI_CHAT")
	b := startNode(t, n, opts)
	bob, wb := joinChat(t, ctx, b, "bob", nil)
	say(t, ctx, bob, "from b")
	// alice's reader fails on a seq that is not the next one.
	ra.read(ctx, alice, func(r *reader) bool { return r.says["from b"] == 1 })
	if wb.Epoch != wa.Epoch {
		t.Errorf("epoch on b %q, on a %q: one stream", wb.Epoch, wa.Epoch)
	}
}

// TestClusterTicksAged: the cluster had no listener longer than
// HistoryAge, and the ticks stream dropped every quote; a server started
// since ticks for a new listener, after the stream's last quote.
func TestClusterTicksAged(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	opts := server.Options{HistoryAge: time.Second, TickInterval: 10 * time.Millisecond}
	a := startNode(t, n, opts)
	c := dial(t, ctx, a, "/ws/ticks", nil)
	readWelcome(t, ctx, c)
	var last int64
	for range 3 {
		last = readQuote(t, ctx, c).Seq
	}
	c.CloseNow()
	waitStreamEmpty(t, ctx, n, "WSAPI_TICKS")
	b := startNode(t, n, opts)
	c = dial(t, ctx, b, "/ws/ticks", nil)
	readWelcome(t, ctx, c)
	if q := readQuote(t, ctx, c); q.Seq <= last {
		t.Errorf("quote %d after the stream's last %d", q.Seq, last)
	}
}

// TestClusterShutdownNATSDown: a server shuts down while NATS is down: its
// members are told it is going (1001), and Shutdown does not wait on NATS
// to give back their nicks one after the other (each would take a
// request's timeout, longer in all than the shutdown's).
func TestClusterShutdownNATSDown(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a := startNode(t, n, server.Options{})
	var members []*websocket.Conn
	var r *reader
	for _, nick := range []string{"alice", "bob", "carol"} {
		c, w := joinChat(t, ctx, a, nick, nil)
		if r == nil {
			r = newReader(t, nick, w.Seq)
		}
		members = append(members, c)
		// Its join announced: a member whose join waits gives its nick
		// back at once when it goes (room.remove).
		r.read(ctx, members[0], func(r *reader) bool { return r.events[r.last] == "join "+nick+" " })
	}
	n.Stop()
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second) // as the other tests'
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Shutdown(sctx) }()
	for _, c := range members {
		wantClose(t, readUntilClose(t, ctx, c), websocket.StatusGoingAway, "server shutting down")
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown with NATS down: %v", err)
	}
}

// TestClusterNATSDownSecret: the error of a server whose NATS is not there
// names it without the password or token of its URL (it goes to logs).
func TestClusterNATSDownSecret(t *testing.T) {
	n := natstest.Start(t)
	addr := strings.TrimPrefix(n.URL(), "nats://")
	n.Stop()
	for _, userinfo := range []string{"wsapi:s3cret@", "s3cret@"} { // a password, a token
		var o server.Options
		testFiles(t, &o)
		o.NATS = "nats://" + userinfo + addr
		_, err := server.New(&o)
		if err == nil || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("New with NATS down: %v, want an error naming %s without the secret", err, addr)
		}
	}
}

// TestClusterTicksLeaseOutlivesTheInterval: the lease of the ticks lives
// three intervals at least, so that a node ticking every -tick-interval
// longer than the 3 s default refreshes it before it lapses (with 3 s,
// every other round found it gone and did not tick: half rate).
func TestClusterTicksLeaseOutlivesTheInterval(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	startNode(t, n, server.Options{TickInterval: 4 * time.Second})
	js := jetStream(t, n)
	kv, err := js.KeyValue(ctx, "wsapi_leases")
	if err != nil {
		t.Fatal(err)
	}
	st, err := kv.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() < 12*time.Second {
		t.Errorf("the ticks lease lives %v with a 4 s tick interval, want 12 s at least", st.TTL())
	}
}
