//go:build !js

package clienttest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// fastRetry reconnects at once, for tests.
var fastRetry = &reconnect.Options{MinDelay: time.Millisecond, MaxDelay: time.Millisecond, Rand: func() float64 { return 0 }}

// TestChatResume: bob's link breaks while alice talks; bob's client comes
// back, asks for what it missed, and has every event once, in order.
func TestChatResume(t *testing.T) {
	base := startServer(t)
	ctx := clienttest.Context(t)
	p := wstest.StartCutProxy(t, strings.TrimPrefix(base, "ws://"))
	resumed := make(chan bool, 4)
	// Bob waits a while before he retries, so that alice's says are
	// sent while he is away (most likely: nothing depends on it).
	slow := &reconnect.Options{MinDelay: 300 * time.Millisecond, MaxDelay: 300 * time.Millisecond, Rand: func() float64 { return 1 }}
	bob, err := client.DialChat("ws://"+p.Addr(), &client.ChatOptions{Nick: "bob", Reconnect: slow,
		OnResume: func(ok bool) { resumed <- ok }})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, bob)
	alice, err := client.DialChat(base, &client.ChatOptions{Nick: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, alice)
	// Bob sees alice join (with his own join, or after it).
	if _, err := bob.Wait(ctx, func(s client.ChatState) bool {
		return len(s.Events) > 0 && slices.Contains(s.Events[len(s.Events)-1].Nicks, "alice")
	}); err != nil {
		t.Fatal(err)
	}
	p.Cut()
	// Queued while bob's socket is down, or said on alice's side: all of
	// it reaches bob once it is back.
	for _, s := range []string{"one", "two", "three"} {
		if err := alice.Say(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := alice.Wait(ctx, func(s client.ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err)
	}
	checkResumed(t, ctx, bob, resumed, "three", "one", "two", "three")
}

// TestChatResumeRestart: a server that restarts has a new epoch: the
// client says it could not recover, and goes on.
func TestChatResumeRestart(t *testing.T) {
	base := startServer(t)
	ctx := clienttest.Context(t)
	p := wstest.StartCutProxy(t, strings.TrimPrefix(base, "ws://"))
	resumed := make(chan bool, 4)
	c, err := client.DialChat("ws://"+p.Addr(), &client.ChatOptions{Nick: "bob", Reconnect: fastRetry,
		OnResume: func(ok bool) { resumed <- ok }})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, c)
	st, err := c.Wait(ctx, func(s client.ChatState) bool { return s.Welcomed })
	if err != nil {
		t.Fatal(err)
	}
	epoch := st.Epoch
	// Same client, same proxy, another server process behind it.
	base2 := startServer(t)
	p.Retarget(strings.TrimPrefix(base2, "ws://"))
	p.Cut()
	st, err = c.Wait(ctx, func(s client.ChatState) bool { return s.Opens == 2 && s.Welcomed })
	if err != nil {
		t.Fatal(err)
	}
	if ok := <-resumed; ok || st.Lost != 1 || st.Epoch == epoch {
		t.Errorf("recovered %v, lost %d, epoch %q then %q", ok, st.Lost, epoch, st.Epoch)
	}
}

// checkResumed waits for bob's second connection to have the say last
// in its events, then checks that OnResume said recovered (resumed gets
// its argument), that the events' seq run on without a gap or a repeat,
// and that bob's says are want, with nothing missed or lost.
func checkResumed(t *testing.T, ctx context.Context, bob *client.Chat, resumed <-chan bool, last string, want ...string) {
	t.Helper()
	st, err := bob.Wait(ctx, func(s client.ChatState) bool {
		// The old server's room, if alive, announces bob's leave when his
		// connection goes: the last say need not be the last event.
		return s.Opens == 2 && slices.ContainsFunc(s.Events, func(e client.ChatEvent) bool { return e.Text == last })
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok := <-resumed; !ok {
		t.Error("OnResume(false): the server could not recover")
	}
	var says []string
	for i, e := range st.Events {
		if i > 0 && e.Seq != st.Events[i-1].Seq+1 {
			t.Errorf("events %v: seq %d after %d", st.Events, e.Seq, st.Events[i-1].Seq)
		}
		if e.Type == client.Say {
			says = append(says, e.Text)
		}
	}
	if !slices.Equal(says, want) || st.Missed != 0 || st.Lost != 0 {
		t.Errorf("bob has says %q, missed %d, lost %d: %v", says, st.Missed, st.Lost, st.Events)
	}
}
