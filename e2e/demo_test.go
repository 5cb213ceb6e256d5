package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-wsapi/wsapi/server"
)

// The tests read like the story of a user: open the page, press Connect,
// type, click, and look at what the page shows. The element ids are the
// contract of the page (DEMO.md, "Page").

// TestPageConnects: the page loads, its Go program starts, Connect opens
// the three sockets and the page says so; Disconnect closes them with no
// banner, as the user asked for it.
func TestPageConnects(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	tb := newTab(t, "page")
	tb.open(ts.URL)
	if eval[bool](tb, jsVisible+`("banner")`) {
		tb.fatalf("#banner is visible before Connect")
	}

	tb.connect("alice")
	for _, s := range []string{"echo", "chat", "ticks"} {
		tb.waitItem("log", s+" open")
	}
	if b := eval[string](tb, jsText+`("buffered-echo")`); !isUint(b) {
		tb.fatalf("#buffered-echo is %q, not a number", b)
	}

	tb.click("disconnect")
	tb.waitStates("CLOSED")
	for _, s := range []string{"echo", "chat", "ticks"} {
		tb.waitLog(s+" close 1000 … wasClean=true", s+" close 1000 ", "wasClean=true")
	}
	if eval[bool](tb, jsVisible+`("banner")`) {
		tb.fatalf("#banner is visible after the user's own Disconnect: %q", eval[string](tb, jsText+`("banner")`))
	}
}

// TestEcho sends text and binary through the page's own controls and sees
// them come back.
func TestEcho(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	tb := newTab(t, "echo")
	tb.open(ts.URL)
	tb.connect("")

	tb.typeInto("echo-input", echoText)
	tb.click("echo-send-text")
	tb.waitItem("echo-output", echoWant[0])
	tb.waitItem("log", fmt.Sprintf("echo message text %d bytes", len(echoText)))

	tb.typeInto("echo-input", echoBinary)
	tb.click("echo-send-binary")
	items := tb.waitItem("echo-output", echoWant[1])
	tb.waitItem("log", fmt.Sprintf("echo message binary %d bytes", len(echoBinary)))

	if !slices.Equal(items, echoWant) {
		tb.fatalf("#echo-output is %q, want %q", items, echoWant)
	}
}

func chatItems(tb *tab) []chatItem {
	tb.t.Helper()
	return eval[[]chatItem](tb, `[...document.querySelectorAll("#chat-messages li[data-seq]")].map(li =>
		({seq: Number(li.dataset.seq), type: li.dataset.type, text: li.textContent.trim()}))`)
}

// chatPair opens two tabs on url, alice and bob, and joins both to the
// chat; it returns once each has seen bob join.
func chatPair(t *testing.T, url string) (alice, bob *tab) {
	alice = newTab(t, "alice")
	bob = newTab(t, "bob")
	alice.open(url)
	bob.open(url)
	alice.connect("alice")
	alice.waitItem("chat-messages", "alice joined")
	bob.connect("bob")
	bob.waitItem("chat-messages", "bob joined")
	alice.waitItem("chat-messages", "bob joined")
	return alice, bob
}

// TestChat: two tabs chat with each other. Both send without waiting for
// their acknowledgement, so the server decides the order; both tabs must
// then show the same events in the same order, with consecutive sequence
// numbers, and each sender's messages in the order it sent them.
func TestChat(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	alice, bob := chatPair(t, ts.URL)

	for i := range chatRounds {
		for _, tb := range []*tab{alice, bob} {
			tb.typeInto("chat-input", chatLine(tb.name, i))
			tb.click("chat-send")
		}
	}
	// Each tab has its sender's copy, the acknowledgement, and the other's.
	for _, tb := range []*tab{alice, bob} {
		for _, who := range []string{"alice", "bob"} {
			for i := range chatRounds {
				tb.waitItem("chat-messages", who+": "+chatLine(who, i))
			}
		}
	}
	a, b := chatItems(alice), chatItems(bob)
	checkChat(t, a, b)
	for _, tb := range []*tab{alice, bob} {
		if gap := eval[string](tb, jsText+`("chat-gap")`); eval[bool](tb, jsVisible+`("chat-gap")`) && gap != "" {
			t.Errorf("%s: #chat-gap says %q", tb.name, gap)
		}
	}

	// Bob leaves; alice sees it as the room's next event.
	bob.click("disconnect")
	alice.waitItem("chat-messages", "bob left")
	checkLeave(t, b, chatItems(alice))
}

// TestTicks: the server pushes quotes, and the page counts them and shows
// the last.
func TestTicks(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, &server.Options{TickInterval: 50 * time.Millisecond})
	tb := newTab(t, "ticks")
	tb.open(ts.URL)
	tb.connect("")
	first := poll[float64](tb, "3 quotes", `(n => n >= 3 && n)(Number(`+jsText+`("ticks-count")))`)
	poll[bool](tb, "more quotes", fmt.Sprintf(`Number(%s("ticks-count")) > %v`, jsText, first))
	quote := regexp.MustCompile(`^GOPHER \d+\.\d\d$`)
	if s := eval[string](tb, jsText+`("ticker")`); !quote.MatchString(s) {
		tb.fatalf("#ticker is %q, want %v", s, quote)
	}
	tb.waitLog("ticks message text …", "ticks message text ", " bytes")
}

// TestServerShutdown: a graceful shutdown closes every socket with 1001,
// and the page shows it in its log, and in its header that the sockets
// are reconnecting; the user's Disconnect then stops them, with no banner.
func TestServerShutdown(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	tb := newTab(t, "page")
	tb.open(ts.URL)
	tb.connect("alice")

	ctx, cancel := context.WithTimeout(testContext(t), 10*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	for _, s := range []string{"echo", "chat", "ticks"} {
		tb.waitLog(s+" close 1001 server shutting down wasClean=true",
			s+" close 1001 server shutting down wasClean=true", "")
	}
	tb.waitReconnecting()
	tb.click("disconnect")
	tb.waitStates("CLOSED")
	if eval[bool](tb, jsVisible+`("banner")`) {
		tb.fatalf("#banner is visible after the user's own Disconnect: %q", eval[string](tb, jsText+`("banner")`))
	}
}

// TestServerKilled: a server that dies with no close frame leaves the page
// with 1006, the code of an abnormal closure, and reconnecting.
func TestServerKilled(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	tb := newTab(t, "page")
	tb.open(ts.URL)
	tb.connect("alice")

	ts.kill()
	for _, s := range []string{"echo", "chat", "ticks"} {
		tb.waitLog(s+" close 1006 … wasClean=false", s+" close 1006 ", "wasClean=false")
	}
	tb.waitReconnecting()
}

// waitReconnecting waits until the header says of the three sockets that
// they wait to reconnect ("reconnecting in 0.4 s (attempt 2)"), or
// reconnect (CONNECTING).
func (tb *tab) waitReconnecting() {
	tb.t.Helper()
	poll[bool](tb, "the sockets to be reconnecting",
		`["state-echo", "state-chat", "state-ticks"].every(id => /^reconnecting in \d+\.\d s \(attempt \d+\)$|^CONNECTING$/.test(`+jsText+`(id)))`)
	poll[bool](tb, "a header that says when it reconnects",
		`["state-echo", "state-chat", "state-ticks"].some(id => `+jsText+`(id).startsWith("reconnecting in "))`)
}

// TestLoadError: when the wasm does not load, the page says so instead of
// loading for ever.
func TestLoadError(t *testing.T) {
	needBrowser(t)
	bad := filepath.Join(t.TempDir(), "main.wasm")
	if err := os.WriteFile(bad, []byte("this is not WebAssembly"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, &server.Options{WasmPath: bad})
	tb := newTab(t, "page")
	tb.do("open the page", chromedp.Navigate(ts.URL))
	poll[bool](tb, "#load-error", jsVisible+`("load-error") && `+jsText+`("load-error") !== ""`)
	t.Logf("#load-error says %q", eval[string](tb, jsText+`("load-error")`))
	if eval[bool](tb, jsVisible+`("loading")`) {
		tb.fatalf("#loading is still visible next to #load-error")
	}
}

// TestScreenshot saves a PNG of the working page, with every panel in use,
// for a person to look at: to $E2E_SCREENSHOT, else to a temp dir.
func TestScreenshot(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, &server.Options{TickInterval: 200 * time.Millisecond})
	alice, bob := chatPair(t, ts.URL)
	for i, line := range []string{"hi bob, the wasm is up", "hello alice! quotes are moving", "ship it"} {
		tb := []*tab{alice, bob}[i%2]
		tb.typeInto("chat-input", line)
		tb.click("chat-send")
		alice.waitItem("chat-messages", tb.name+": "+line)
	}
	alice.typeInto("echo-input", "hello, echo")
	alice.click("echo-send-text")
	alice.waitItem("echo-output", "text: hello, echo")
	alice.typeInto("echo-input", "bytes go both ways")
	alice.click("echo-send-binary")
	poll[bool](alice, "a binary echo", jsItems+`("echo-output").some(s => s.startsWith("binary: "))`)
	poll[bool](alice, "3 quotes", `Number(`+jsText+`("ticks-count")) >= 3`)

	buf, err := chromedp.Run(alice.ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		alice.fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	path, note := os.Getenv("E2E_SCREENSHOT"), ""
	if path == "" {
		path = filepath.Join(t.TempDir(), "demo.png")
		note = " (removed with the test's temp dir: set E2E_SCREENSHOT to keep it)"
	}
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot, %dx%d: %s%s", img.Bounds().Dx(), img.Bounds().Dy(), path, note)
}

// waitLog waits for a line of #log with the prefix and the suffix.
func (tb *tab) waitLog(what, prefix, suffix string) {
	tb.t.Helper()
	poll[bool](tb, what+" in #log",
		jsItems+`("log").some(s => s.startsWith(`+js(prefix)+`) && s.endsWith(`+js(suffix)+`))`)
}

func isUint(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
