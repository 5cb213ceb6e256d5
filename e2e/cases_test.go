package e2e

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The echo and chat tests that the page (demo_test.go) and package client
// run natively (native_test.go) share: the same inputs, the same checks.

// The echo test, the same for the page and the native client: a text with
// markup and non-ASCII, and binary longer than the 16 bytes shown in hex.
var (
	echoText   = "hello, wsapi ✓ <b>not bold</b>"
	echoBinary = "binary bytes: 0123456789"
	echoWant   = []string{
		"text: " + echoText,
		fmt.Sprintf("binary: %d bytes %s", len(echoBinary), hex.EncodeToString([]byte(echoBinary)[:16])),
	}
)

// chatItem is one <li> of #chat-messages.
type chatItem struct {
	Seq  int    `json:"seq"`
	Type string `json:"type"`
	Text string `json:"text"`
}

func (c chatItem) String() string { return fmt.Sprintf("[%d %s] %s", c.Seq, c.Type, c.Text) }

// The chat test, the same for the page and the native client: alice and
// bob each say chatRounds lines, alternately, without waiting for their
// acknowledgements.
const chatRounds = 4

func chatLine(nick string, i int) string { return fmt.Sprintf("%s says %d", nick, i) }

// checkChat checks what alice and bob saw, from alice's join on for her
// and from bob's for him, once both had every line: both see the same
// events in the same order from bob's join on, with consecutive sequence
// numbers, and each one's lines in the order they were said.
func checkChat(t *testing.T, alice, bob []chatItem) {
	t.Helper()
	t.Logf("alice saw:\n%s", joinItems(alice))
	t.Logf("bob saw:\n%s", joinItems(bob))
	checkChatView(t, "alice", alice)
	checkChatView(t, "bob", bob)
	if len(alice) == 0 || alice[0].Type != "join" || alice[0].Text != "alice joined" {
		t.Errorf("alice's first event is not her own join")
	}
	if len(bob) == 0 || bob[0].Type != "join" || bob[0].Text != "bob joined" {
		t.Errorf("bob's first event is not his own join")
	}
	i := slices.IndexFunc(alice, func(c chatItem) bool { return c.Type == "join" && c.Text == "bob joined" })
	if i < 0 || !slices.Equal(alice[i:], bob) {
		t.Errorf("alice and bob saw different events from bob's join on")
	}
	for _, who := range []string{"alice", "bob"} {
		var said, want []string
		for _, c := range bob {
			if c.Type == "say" && strings.HasPrefix(c.Text, who+": ") {
				said = append(said, c.Text)
			}
		}
		for i := range chatRounds {
			want = append(want, who+": "+chatLine(who, i))
		}
		if !slices.Equal(said, want) {
			t.Errorf("%s's lines came as %q, want %q", who, said, want)
		}
	}
}

// checkChatView checks one client's view: consecutive sequence numbers,
// and types and texts as the page shows them.
func checkChatView(t *testing.T, name string, items []chatItem) {
	t.Helper()
	// A join or leave may name several: "a, b and 3 others joined".
	text := regexp.MustCompile(`^(?:\S+(?:(?:, \S+)* and (?:\S+|\d+ others))? (?:joined|left)|\S+: .+)$`)
	for i, c := range items {
		if i > 0 && c.Seq != items[i-1].Seq+1 {
			t.Errorf("%s: seq %d follows %d", name, c.Seq, items[i-1].Seq)
		}
		if c.Seq < 1 {
			t.Errorf("%s: %v: seq < 1", name, c)
		}
		if !slices.Contains([]string{"join", "leave", "say"}, c.Type) || !text.MatchString(c.Text) {
			t.Errorf("%s: %v does not follow the page's format", name, c)
		}
	}
}

// checkLeave checks that bob's leave is the event after the last one bob
// saw, and the last one alice saw.
func checkLeave(t *testing.T, bob, alice []chatItem) {
	t.Helper()
	if len(bob) == 0 || len(alice) == 0 {
		t.Fatal("no events")
	}
	if got, want := alice[len(alice)-1], (chatItem{bob[len(bob)-1].Seq + 1, "leave", "bob left"}); got != want {
		t.Errorf("alice's last event is %v, want %v", got, want)
	}
}

func joinItems(items []chatItem) string {
	var b strings.Builder
	for _, c := range items {
		fmt.Fprintf(&b, "\t%v\n", c)
	}
	return b.String()
}
