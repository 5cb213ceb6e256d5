//go:build !js

package clienttest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/server/natstest"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// TestChatFailover: two servers of a cluster behind a balancer (a proxy);
// bob's server is killed while alice, on the other, talks; the balancer
// sends bob's client to the other server, which resumes it: bob has every
// say once, in order, and the client says it recovered.
func TestChatFailover(t *testing.T) {
	n := natstest.Start(t)
	baseA, _, srvA := startServerNATS(t, n.URL())
	baseB, _, _ := startServerNATS(t, n.URL())
	ctx := clienttest.Context(t)
	lb := wstest.StartCutProxy(t, strings.TrimPrefix(baseA, "ws://"))
	resumed := make(chan bool, 4)
	retry := &reconnect.Options{MinDelay: 50 * time.Millisecond, MaxDelay: 50 * time.Millisecond, Rand: func() float64 { return 0 }}
	bob, err := client.DialChat("ws://"+lb.Addr(), &client.ChatOptions{Nick: "bob", Reconnect: retry,
		OnResume: func(ok bool) { resumed <- ok }})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, bob)
	alice, err := client.DialChat(baseB, &client.ChatOptions{Nick: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, alice)
	if _, err := bob.Wait(ctx, func(s client.ChatState) bool {
		// The two joins, published by two servers, come in either order.
		return slices.ContainsFunc(s.Events, func(e client.ChatEvent) bool { return e.Type == client.Join && e.Nick == "alice" })
	}); err != nil {
		t.Fatal(err)
	}
	sayAll := func(says ...string) {
		for _, s := range says {
			if err := alice.Say(s); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := alice.Wait(ctx, func(s client.ChatState) bool { return s.Pending == 0 }); err != nil {
			t.Fatal(err)
		}
	}
	sayAll("one", "two")
	// Server A dies; the balancer sends what comes next to B.
	lb.Retarget(strings.TrimPrefix(baseB, "ws://"))
	srvA.CloseClientConnections()
	srvA.Close()
	lb.Cut()
	sayAll("three", "four")
	checkResumed(t, ctx, bob, resumed, "four", "one", "two", "three", "four")
}
