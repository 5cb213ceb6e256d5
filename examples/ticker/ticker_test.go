package ticker_test

import (
	"slices"
	"strings"
	"testing"

	"example.com/ticker"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// feed is the test server: an httptest server, started natively, that
// sends three ticks and closes, the same for every runtime.
var feed = wsapitest.Handler(wsapitest.Script{
	Send:      []string{"tick 1", "tick 2", "tick 3"},
	CloseCode: 4000, CloseReason: "market closed",
})

// feedURL is the feed's URL: natively, a server of the test's own; in
// the js/wasm runs, $TICKER_URL, which TestRuntimes sets.
func feedURL(t *testing.T) string {
	return wsapitest.Serve(t, "TICKER_URL", feed)
}

func TestCollect(t *testing.T) {
	got, err := ticker.Collect(t.Context(), feedURL(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tick 1", "tick 2"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCollectFeedClosesFirst(t *testing.T) {
	got, err := ticker.Collect(t.Context(), feedURL(t), 5)
	if err == nil || !strings.Contains(err.Error(), `after 3 of 5 messages: 4000 "market closed"`) {
		t.Errorf("got %q, %v; want the 3 ticks and the feed's close", got, err)
	}
}

// TestRuntimes runs the tests above again, compiled to WebAssembly, in
// Node and in headless Chromium, against one feed started here.
func TestRuntimes(t *testing.T) {
	wsapitest.Run(t, &wsapitest.Options{
		Env: []string{"TICKER_URL=" + feedURL(t)},
	})
}
