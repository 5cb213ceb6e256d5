// Package e2e tests the demo end to end: the real companion server
// (package server) in this process, the real page from ../web and its Go
// program compiled to WebAssembly, in headless Chromium through chromedp.
//
// One browser serves the whole run and each test opens its own tab and its
// own server. Without Chromium ($CHROMIUM, else chromium or google-chrome
// on PATH) the browser tests are skipped, unless CI is set: then they fail.
// The native client tests need no browser.
//
// Environment:
//
//	CHROMIUM       the browser to run
//	E2E_TIMEOUT    the limit of each test (default 60s)
//	E2E_SCREENSHOT where TestScreenshot writes its PNG (default: a temp dir)
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-wsapi/wsapi/cmd/chromerun/browser"

	"github.com/go-wsapi/wsapi/server"
)

var (
	// browserCtx is the context of the run's one browser; nil when
	// browserErr says why there is none.
	browserCtx context.Context
	browserErr error
	// tmpDir holds what the run builds; TestMain removes it.
	tmpDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "wsapi-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	tmpDir = dir

	stop := startBrowser()
	defer stop()
	return m.Run()
}

// startBrowser starts the run's browser and returns the func that stops it
// and waits until it, and every process it started, have exited.
func startBrowser() (stop func()) {
	execPath, err := browser.Find()
	if err != nil {
		browserErr = err
		return func() {}
	}
	opts := browser.Options(execPath, chromedp.WindowSize(1280, 1000))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	stop = func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit
	}
	// Start it now, with a limit on the start only (API.md, example 21).
	start := time.AfterFunc(time.Minute, cancelBrowser)
	err = chromedp.Do(ctx)
	if !start.Stop() && err == nil {
		err = errors.New("timed out")
	}
	if err != nil {
		stop()
		browserErr = fmt.Errorf("failed to start %s: %w", execPath, err)
		return func() {}
	}
	browserCtx = ctx
	return stop
}

// needBrowser skips the test when there is no browser, or fails it when CI
// is set or the browser is there but did not start.
func needBrowser(t *testing.T) {
	t.Helper()
	switch {
	case browserErr == nil:
	case os.Getenv("CI") != "":
		t.Fatalf("CI needs Chromium: %v", browserErr)
	case errors.Is(browserErr, exec.ErrNotFound):
		t.Skipf("skipping: %v (install chromium or set CHROMIUM)", browserErr)
	default:
		t.Fatal(browserErr)
	}
}

// testTimeout is the limit of one test: $E2E_TIMEOUT or 60s, and never past
// the deadline of go test -timeout.
func testTimeout(t *testing.T) time.Duration {
	t.Helper()
	d := 60 * time.Second
	if s := os.Getenv("E2E_TIMEOUT"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatalf("E2E_TIMEOUT: %v", err)
		}
	}
	if dl, ok := t.Deadline(); ok {
		d = min(d, time.Until(dl)-5*time.Second)
	}
	return d
}

// testContext returns a context that ends when the test's time is up or the
// test ends.
func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout(t))
	t.Cleanup(cancel)
	return ctx
}

// wasmPath builds ../wasm once per run and returns the binary's path.
var wasmPath = sync.OnceValues(func() (string, error) {
	out := filepath.Join(tmpDir, "main.wasm")
	cmd := exec.Command("go", "build", "-o", out, "./wasm")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("GOOS=js GOARCH=wasm go build ./wasm: %v\n%s", err, b)
	}
	return out, nil
})

// testServer is the demo server of one test, on 127.0.0.1.
type testServer struct {
	*server.Server
	URL  string // http://127.0.0.1:port
	http *httptest.Server
	ln   *trackingListener
}

// startServer starts the real server for one test, serving ../web and the
// wasm this run built. opts may be nil; its Web and WASM are filled in.
// The server shuts down when the test ends.
func startServer(t *testing.T, opts *server.Options) *testServer {
	t.Helper()
	wasm, err := wasmPath()
	if err != nil {
		t.Fatal(err)
	}
	var o server.Options
	if opts != nil {
		o = *opts
	}
	if o.WebDir == "" {
		o.WebDir = filepath.Join("..", "web")
	}
	if o.WasmPath == "" {
		o.WasmPath = wasm
	}
	logs := &testWriter{t: t}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	}
	srv, err := server.New(&o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: srv, ln: &trackingListener{Listener: ln}}
	ts.http = httptest.NewUnstartedServer(srv)
	ts.http.Listener.Close()
	ts.http.Listener = ts.ln
	ts.http.Start()
	ts.URL = ts.http.URL
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("server shutdown: %v", err)
		}
		ts.ln.closeAll()
		ts.http.Close()
		logs.close()
	})
	return ts
}

// testWriter writes the server's log to the test's, line by line, until
// the test ends: t.Log must not be called after that.
type testWriter struct {
	mu     sync.Mutex
	t      *testing.T
	closed bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.t.Logf("server: %s", bytes.TrimSuffix(p, []byte("\n")))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
}

// kill stops the server abruptly, as a crash or a cut cable would: it
// closes the listener and every connection, WebSockets too, with no close
// frame. (httptest's CloseClientConnections leaves the hijacked
// connections of WebSockets open.)
func (ts *testServer) kill() {
	ts.ln.Close()
	ts.ln.closeAll()
}

// trackingListener remembers every connection it accepted, so kill can cut
// them all.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.conns = append(l.conns, c)
		l.mu.Unlock()
	}
	return c, err
}

func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetLinger(0) // a reset, not a FIN: nothing is flushed
		}
		c.Close()
	}
	l.conns = nil
}

// tab is one browser tab of a test.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context // the tab's, ends at the test's time limit
	// tabCtx outlives ctx, so a test that ran out of time can still
	// tell what the page showed.
	tabCtx context.Context
}

// newTab opens a tab for the test; name prefixes its console lines in the
// test log. Console output goes to t.Logf, and page exceptions fail the
// test. The tab closes when the test ends.
func newTab(t *testing.T, name string) *tab {
	t.Helper()
	needBrowser(t)
	tabCtx, cancelTab := chromedp.NewContext(browserCtx)
	// The first action binds the tab to the context it runs with, so it
	// runs with tabCtx, under a limit of its own.
	d := testTimeout(t)
	start := time.AfterFunc(d, cancelTab)
	err := chromedp.Do(tabCtx)
	if !start.Stop() && err == nil {
		err = errors.New("timed out")
	}
	if err != nil {
		cancelTab()
		t.Fatalf("failed to open a tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, d)

	messages := chromedp.Console(tabCtx)
	var wg sync.WaitGroup
	wg.Go(func() {
		for m, err := range messages {
			if err != nil {
				return // the tab closed
			}
			forwardConsole(t, name, m)
		}
	})
	t.Cleanup(func() {
		cancel()
		cancelTab()
		wg.Wait()
	})
	return &tab{t: t, name: name, ctx: ctx, tabCtx: tabCtx}
}

func forwardConsole(t *testing.T, name string, m chromedp.ConsoleMessage) {
	where := ""
	if m.URL != "" {
		where = fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
	}
	switch {
	case m.IsException():
		text := m.Text
		if e := m.Exception; e != nil && e.Exception != nil {
			if _, stack, ok := strings.Cut(e.Exception.Description, "\n"); ok {
				text += "\n" + stack
			}
		}
		t.Errorf("%s: page exception: %s%s", name, text, where)
	case m.Source != "": // the browser's own log, e.g. a failed request
		t.Logf("%s: browser %s %s: %s%s", name, m.Source, m.Type, m.Text, where)
	default:
		t.Logf("%s: console.%s: %s", name, m.Type, m.Text)
	}
}

// do runs steps in the tab and fails the test on an error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		tb.fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// poll waits until the JavaScript expression is truthy and returns its
// value; what says what the test waits for, when it times out. It never
// times out on its own: only the test's limit ends it.
func poll[T any](tb *tab, what, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Poll[T](expr,
		chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(0)))
	if err != nil {
		tb.fatalf("waiting for %s: %v", what, err)
	}
	return v
}

// fatalf fails the test with what the page shows, for the reader of the log.
func (tb *tab) fatalf(format string, args ...any) {
	tb.t.Helper()
	tb.t.Fatalf("%s: %s\n%s", tb.name, fmt.Sprintf(format, args...), tb.dump())
}

// dump describes the page's state, with a fresh limit: the test's own may
// be what ran out.
func (tb *tab) dump() string {
	ctx, cancel := context.WithTimeout(tb.tabCtx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const text = id => { const e = document.getElementById(id); return e ? JSON.stringify(e.textContent.trim()) : "(missing)"; };
		const vis = id => { const e = document.getElementById(id); return e ? (e.checkVisibility() ? "visible" : "hidden") : "(missing)"; };
		const items = id => { const e = document.getElementById(id); return e ? [...e.children].map(li => "    " + (li.dataset.seq ? "[" + li.dataset.seq + " " + li.dataset.type + "] " : "") + li.textContent.trim()).join("\n") : "    (missing)"; };
		return [
			"page " + location.href,
			"#loading " + vis("loading") + ", #load-error " + vis("load-error") + " " + text("load-error"),
			"#banner " + vis("banner") + " " + text("banner"),
			"states: echo " + text("state-echo") + ", chat " + text("state-chat") + ", ticks " + text("state-ticks") + ", buffered " + text("buffered-echo"),
			"#ticker " + text("ticker") + ", #ticks-count " + text("ticks-count") + ", #chat-gap " + text("chat-gap"),
			"#log:", items("log"),
			"#echo-output:", items("echo-output"),
			"#chat-messages:", items("chat-messages"),
		].join("\n");
	})()`))
	if err != nil {
		return fmt.Sprintf("(no page state: %v)", err)
	}
	return s
}

// JavaScript helpers for the expressions the tests poll.
const (
	jsVisible = `(id => { const e = document.getElementById(id); return !!e && e.checkVisibility(); })`
	jsText    = `(id => { const e = document.getElementById(id); return e ? e.textContent.trim() : ""; })`
	jsItems   = `(id => [...document.getElementById(id).children].map(li => li.textContent.trim()))`
)

// js quotes s as a JavaScript string literal.
func js(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// open loads the page and waits until its Go program runs: #loading hidden
// and no #load-error.
func (tb *tab) open(url string) {
	tb.t.Helper()
	tb.do("open "+url, chromedp.Navigate(url))
	poll[bool](tb, "the wasm to start (#loading hidden)",
		`!`+jsVisible+`("loading") || `+jsVisible+`("load-error")`)
	if eval[bool](tb, jsVisible+`("load-error")`) {
		tb.fatalf("the page shows a load error: %q", eval[string](tb, jsText+`("load-error")`))
	}
}

// connect sets the chat nick and presses Connect, and waits until the three
// sockets are OPEN.
func (tb *tab) connect(nick string) {
	tb.t.Helper()
	if nick != "" {
		tb.typeInto("nick", nick)
	}
	tb.do("press Connect", chromedp.Click(chromedp.ID("connect")))
	tb.waitStates("OPEN")
}

// waitStates waits until the three sockets show the ready state.
func (tb *tab) waitStates(state string) {
	tb.t.Helper()
	poll[bool](tb, "the sockets to be "+state,
		`["state-echo", "state-chat", "state-ticks"].every(id => `+jsText+`(id) === `+js(state)+`)`)
}

// waitItem waits until the list with the id has an item whose text is
// want, and returns the items.
func (tb *tab) waitItem(id, want string) []string {
	tb.t.Helper()
	return poll[[]string](tb, fmt.Sprintf("%q in #%s", want, id),
		`(() => { const items = `+jsItems+`(`+js(id)+`); return items.includes(`+js(want)+`) && items; })()`)
}

// typeInto replaces the text of an input as a user does: it empties it,
// then types. (Clear sets the value attribute, which does not change what
// a user typed before, and SetValue with "" fails in chromedp v0.22.1:
// "could not set value on node".)
func (tb *tab) typeInto(id, text string) {
	tb.t.Helper()
	tb.do("type into #"+id,
		chromedp.Evaluate[chromedp.Void](`(e => { e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); })(document.getElementById(`+js(id)+`))`),
		chromedp.SendKeys(chromedp.ID(id), text))
}

// click clicks the button with the id.
func (tb *tab) click(id string) {
	tb.t.Helper()
	tb.do("click #"+id, chromedp.Click(chromedp.ID(id)))
}
