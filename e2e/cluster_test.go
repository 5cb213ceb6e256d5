package e2e

import (
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/server/natstest"
)

// TestClusterFailover: two servers of a cluster (one NATS); alice's tab
// is on server A, bob's on server B through a load balancer (a proxy).
// They chat across the servers. B is killed and the balancer sends bob's
// page to A, where it resumes: every line once, in order, nothing missed.
func TestClusterFailover(t *testing.T) {
	needBrowser(t)
	n := natstest.Start(t)
	a := startServer(t, &server.Options{NATS: n.URL()})
	b := startServer(t, &server.Options{NATS: n.URL()})
	lb := wstest.StartCutProxy(t, strings.TrimPrefix(b.URL, "http://"))
	alice := newTab(t, "alice")
	bob := newTab(t, "bob")
	alice.open(a.URL)
	bob.open("http://" + lb.Addr() + "/")
	alice.connect("alice")
	alice.waitItem("chat-messages", "alice joined")
	bob.connect("bob")
	alice.waitItem("chat-messages", "bob joined") // from the other server
	alice.typeInto("chat-input", "hello from A")
	alice.click("chat-send")
	bob.waitItem("chat-messages", "alice: hello from A")

	lb.Retarget(strings.TrimPrefix(a.URL, "http://"))
	b.kill()
	lb.Cut()
	lines := []string{"B is gone", "you missed this", "and this"}
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
	for _, l := range append([]string{"hello from A"}, lines...) {
		if n := countItems(items, "alice: "+l); n != 1 {
			t.Errorf("bob shows %q %d times", "alice: "+l, n)
		}
	}
}
