//go:build !js

package server_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/server/natstest"
)

// These cluster tests resume on a server whose room has yet to deliver
// the events the client already had: one just started, still reading
// the stream's history, and one whose delivery lags. The client must get
// recovered:true and the events after since, each once, never the older
// ones again as live events.

// saysOn has alice, on ts, say n times and read them back; it returns
// her connection's reader and the epoch.
func saysOn(t *testing.T, ctx context.Context, ts *testServer, n int) (*reader, string) {
	t.Helper()
	alice, w := joinChat(t, ctx, ts, "alice", nil)
	r := newReader(t, "alice", w.Seq)
	for k := range n {
		say(t, ctx, alice, "m"+strconv.Itoa(k))
	}
	r.read(ctx, alice, func(r *reader) bool { return r.says["m"+strconv.Itoa(n-1)] == 1 })
	return r, w.Epoch
}

// resumeQuery is the query of a client that had seq since of epoch.
func resumeQuery(since int64, epoch string) url.Values {
	return url.Values{"since": {strconv.FormatInt(since, 10)}, "epoch": {epoch}}
}

// checkResumed checks that bob's welcome recovers, then reads the events
// after since: the says m(n-2) and m(n-1), then a join (his own, maybe
// with others), each once.
func checkResumed(t *testing.T, ctx context.Context, bob *websocket.Conn, w welcome, since int64, epoch string, n int) {
	t.Helper()
	if w.Recovered == nil || !*w.Recovered || w.Epoch != epoch {
		t.Fatalf("bob's welcome: %+v, want recovered in epoch %q", w, epoch)
	}
	rb := newReader(t, "bob", since)
	// The reader fails on a seq that is not the next one: a repeat.
	rb.read(ctx, bob, func(r *reader) bool { return strings.HasPrefix(r.events[r.last], "join ") })
	if len(rb.says) != 2 || rb.says["m"+strconv.Itoa(n-2)] != 1 || rb.says["m"+strconv.Itoa(n-1)] != 1 {
		t.Errorf("bob got %v after seq %d, want the last two says once each", rb.events, since)
	}
}

// TestClusterResumeOnStart: a server started after the room had N
// events serves a resume from N-2 at once with those two events.
func TestClusterResumeOnStart(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	const says = 200
	a := startNode(t, n, server.Options{HistorySize: 1000})
	ra, epoch := saysOn(t, ctx, a, says)
	since := ra.last - 2
	b := startNode(t, n, server.Options{HistorySize: 1000})
	bob, w := joinChat(t, ctx, b, "bob", resumeQuery(since, epoch))
	checkResumed(t, ctx, bob, w, since, epoch, says)
}

// TestClusterResumeLagging: a server whose delivery lags behind the
// stream serves a resume from ahead of what it delivered once it caught
// up, with the events after since.
func TestClusterResumeLagging(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	a := startNode(t, n, server.Options{})
	b := startNode(t, n, server.Options{})
	waiting, release := server.HoldDelivery(b.Server)
	defer release()
	ra, epoch := saysOn(t, ctx, a, 4)
	since := ra.last - 2
	bob := dial(t, ctx, b, "/ws/chat?nick=bob&"+resumeQuery(since, epoch).Encode(), nil)
	type result struct {
		data []byte
		err  error
	}
	read := make(chan result, 1)
	go func() {
		_, data, err := bob.Read(ctx) // the welcome: decoded below
		read <- result{data, err}
	}()
	select {
	case <-waiting: // the join waits for b's delivery to catch up
	case <-read:
		t.Fatal("bob welcomed while b's delivery is held: he was not kept waiting for it")
	}
	release()
	res := <-read
	var w welcome
	if res.err != nil || json.Unmarshal(res.data, &w) != nil || w.Type != "welcome" {
		t.Fatalf("bob's welcome: %q, %v", res.data, res.err)
	}
	checkResumed(t, ctx, bob, w, since, epoch, 4)
}
