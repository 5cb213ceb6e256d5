//go:build !js

package server_test

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/server/natstest"
)

// reply is what the sender of a say gets back: the say itself (its
// acknowledgement) or a refusal.
type reply struct {
	Type   string `json:"type"`
	Nick   string `json:"nick"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
	Seq    int64  `json:"seq"`
}

// TestClusterPublishQueueFull: with nats-server stopped, alice's says
// wait in the publish queue until it is full; the next ones are refused,
// to her, in order, and her connection stays up. Once NATS is back, the
// queued says are stored in order, the refused ones never, and she talks
// on.
func TestClusterPublishQueueFull(t *testing.T) {
	checkGoroutines(t)
	n := natstest.Start(t)
	ctx := testContext(t)
	const queue, sent = 5, 8
	opts := server.Options{PublishQueue: queue, RateLimit: -1}
	a, b := startNode(t, n, opts), startNode(t, n, opts)
	alice, wa := joinChat(t, ctx, a, "alice", nil)
	bob, wb := joinChat(t, ctx, b, "bob", nil)
	// Both joins stored, so that only says wait.
	ra, rb := newReader(t, "alice", wa.Seq), newReader(t, "bob", wb.Seq)
	joined := func(r *reader) bool {
		return slices.Contains(slices.Collect(maps.Values(r.events)), "join alice ") &&
			slices.Contains(slices.Collect(maps.Values(r.events)), "join bob ")
	}
	ra.read(ctx, alice, joined)
	rb.read(ctx, bob, joined)

	n.Stop()
	for k := range sent {
		say(t, ctx, alice, "m"+strconv.Itoa(k))
	}
	// alice gets a reply to each say: acknowledged or refused.
	var acked, refused []string
	replies := func(done func() bool) {
		for !done() {
			r, data := readJSON[reply](t, ctx, alice)
			switch r.Type {
			case "say":
				if r.Seq != ra.last+1 {
					t.Fatalf("alice: %s after seq %d", data, ra.last)
				}
				ra.last = r.Seq
				acked = append(acked, r.Text)
			case "refused":
				if r.Reason == "" {
					t.Errorf("a refusal without a reason: %s", data)
				}
				refused = append(refused, r.Text)
			default:
				t.Fatalf("alice got %s", data)
			}
		}
	}
	// The refusals come while NATS is away (before the fix, none came
	// and this read ran into the test's timeout).
	replies(func() bool { return len(acked)+len(refused) >= sent-queue })
	n.Restart()
	replies(func() bool { return len(acked) == queue }) // the queue stored
	say(t, ctx, alice, "after")
	replies(func() bool { return slices.Contains(acked, "after") })
	wantAcked := []string{"m0", "m1", "m2", "m3", "m4", "after"}
	wantRefused := []string{"m5", "m6", "m7"}
	t.Logf("queue %d, %d says while NATS was down: acknowledged %v, refused %v", queue, sent, acked, refused)
	if !slices.Equal(acked, wantAcked) || !slices.Equal(refused, wantRefused) {
		t.Errorf("acknowledged %v, refused %v; want %v and %v", acked, refused, wantAcked, wantRefused)
	}
	rb.read(ctx, bob, func(r *reader) bool { return r.says["after"] == 1 })
	var got []string
	for seq := wb.Seq + 1; seq <= rb.last; seq++ {
		if e := rb.events[seq]; e != "" && e[:4] == "say " {
			got = append(got, e[len("say alice "):])
		}
	}
	if !slices.Equal(got, wantAcked) {
		t.Errorf("bob saw the says %v, want %v", got, wantAcked)
	}
}
