package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/wstest"
)

// TestReconnectCut: two tabs chat; bob's tab reaches the server through a
// proxy, which cuts his connections (no close frame, as a network that
// drops) while alice keeps talking. Bob's page reconnects by itself,
// resumes from the last event it saw, and shows every line once, in
// order, and that nothing was missed.
func TestReconnectCut(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	p := wstest.StartCutProxy(t, strings.TrimPrefix(ts.URL, "http://"))
	alice := newTab(t, "alice")
	bob := newTab(t, "bob")
	alice.open(ts.URL)
	bob.open("http://" + p.Addr() + "/")
	alice.connect("alice")
	alice.waitItem("chat-messages", "alice joined")
	bob.connect("bob")
	alice.waitItem("chat-messages", "bob joined")

	p.Cut()
	lines := []string{"are you there, bob?", "you missed this", "and this"}
	for _, l := range lines {
		alice.typeInto("chat-input", l)
		alice.click("chat-send")
		alice.waitItem("chat-messages", "alice: "+l)
	}
	bob.waitItem("chat-messages", "reconnected: nothing missed")
	for _, l := range lines {
		bob.waitItem("chat-messages", "alice: "+l)
	}
	bob.waitStates("OPEN")
	items := chatItems(bob)
	t.Logf("bob saw:\n%s", joinItems(items))
	checkChatView(t, "bob", items) // consecutive seq: no gap, no duplicate
	for _, l := range lines {
		if n := countItems(items, "alice: "+l); n != 1 {
			t.Errorf("bob shows %q %d times", "alice: "+l, n)
		}
	}
	if slices.Contains(bob.items("chat-messages"), lostLine) {
		t.Error("bob's page says it could not recover")
	}
	// The cut is in bob's log as a close, then a retry.
	bob.waitLog("chat close 1006 … wasClean=false", "chat close 1006 ", "wasClean=false")
	bob.waitLog("chat retry 1 in …", "chat retry 1 in ", "")
}

// TestReconnectRestart: the server behind the address both tabs use is
// replaced by a new process, whose history is empty and whose epoch is
// new: both pages reconnect, and say that what was said meanwhile could
// not be recovered.
func TestReconnectRestart(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	p := wstest.StartCutProxy(t, strings.TrimPrefix(ts.URL, "http://"))
	alice, bob := chatPair(t, "http://"+p.Addr()+"/")

	ts2 := startServer(t, nil)
	p.Retarget(strings.TrimPrefix(ts2.URL, "http://"))
	ts.kill()
	p.Cut()
	for _, tb := range []*tab{alice, bob} {
		tb.waitItem("chat-messages", lostLine)
		tb.waitStates("OPEN")
	}
	// And they talk on, on the new server.
	alice.typeInto("chat-input", "still here")
	alice.click("chat-send")
	bob.waitItem("chat-messages", "alice: still here")
}

// lostLine is what the chat says after a reconnection that could not be
// recovered (client.Resumed(false)).
const lostLine = "reconnected, but what was said meanwhile could not be recovered"

// items returns the texts of the list with the id.
func (tb *tab) items(id string) []string {
	tb.t.Helper()
	return eval[[]string](tb, jsItems+`(`+js(id)+`)`)
}

func countItems(items []chatItem, text string) int {
	n := 0
	for _, c := range items {
		if c.Text == text {
			n++
		}
	}
	return n
}
