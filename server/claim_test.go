//go:build !js

package server_test

import (
	"testing"

	"github.com/go-wsapi/wsapi/server"
)

// TestClaimStuck: a join whose nick claim is stuck (a cluster's NATS slow
// to answer) holds up nobody: the room goes on delivering to its members,
// and the joiner gets its nick once the claim is answered.
func TestClaimStuck(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	expect(t, ctx, alice, chatEvent{Type: "welcome", Nick: "alice", Seq: 0})
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "alice", Seq: 1})

	claiming, unblock := server.BlockClaim(ts.Server, "carol")
	t.Cleanup(unblock) // before the server's shutdown, if the test fails
	carol := dial(t, ctx, ts, "/ws/chat?nick=carol", nil)
	<-claiming
	// Before the claim left the room's lock, this say waited for it, and
	// the read ran into the test's timeout.
	say(t, ctx, alice, "while carol's claim is stuck")
	expect(t, ctx, alice, chatEvent{Type: "say", Nick: "alice", Text: "while carol's claim is stuck", Seq: 2})

	unblock()
	expect(t, ctx, carol, chatEvent{Type: "welcome", Nick: "carol", Seq: 2})
	expect(t, ctx, carol, chatEvent{Type: "join", Nick: "carol", Seq: 3})
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "carol", Seq: 3})
}
