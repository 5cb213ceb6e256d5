package e2e

import (
	"bufio"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// demoBin builds cmd/wsapi-demo once per run, for the tests that need the
// server in a process of its own, to kill.
var demoBin = sync.OnceValues(func() (string, error) {
	out := filepath.Join(tmpDir, "wsapi-demo")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/wsapi-demo")
	cmd.Dir = ".."
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/wsapi-demo: %v\n%s", err, b)
	}
	return out, nil
})

// childServer is the demo command running as a child process on
// 127.0.0.1.
type childServer struct {
	URL  string // http://127.0.0.1:port/
	cmd  *exec.Cmd
	done chan error
}

// startChild runs the demo command with the page, the wasm this run built
// and args, and waits until it serves. It is killed when the test ends.
func startChild(t *testing.T, args ...string) *childServer {
	t.Helper()
	bin, err := demoBin()
	if err != nil {
		t.Fatal(err)
	}
	wasm, err := wasmPath()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0", "-web", filepath.Join("..", "web"), "-wasm", wasm}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = &testWriter{t: t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cs := &childServer{cmd: cmd, done: make(chan error, 1)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-cs.done
		cmd.Stderr.(*testWriter).close()
	})
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		go func() { cs.done <- cmd.Wait() }()
		t.Fatalf("the server printed nothing: %v", lines.Err())
	}
	m := regexp.MustCompile(`^serving (http://127\.0\.0\.1:\d+/)$`).FindStringSubmatch(lines.Text())
	go func() {
		for lines.Scan() {
		}
		cs.done <- cmd.Wait()
	}()
	if m == nil {
		t.Fatalf("the server printed %q", lines.Text())
	}
	cs.URL = m[1]
	return cs
}

// kill sends SIGKILL, as a crash or the OOM killer would, and waits for
// the process to be gone: the kernel closes its sockets, with no close
// frame.
func (cs *childServer) kill(t *testing.T) {
	t.Helper()
	if err := cs.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-cs.done
	cs.done <- err // for the cleanup
	t.Logf("server process: %v", err)
}

// sockets are the page's three sockets.
var sockets = []string{"echo", "chat", "ticks"}

// TestServerProcessKilled kills the server process with SIGKILL while it
// pushes quotes every 20ms, and records what Chrome's WebSocket reports
// for each socket: close 1006, not clean, and whether an error event
// came first. TestServerProcessKilledNative holds the native client to
// the same.
func TestServerProcessKilled(t *testing.T) {
	needBrowser(t)
	cs := startChild(t, "-tick-interval", "20ms")
	tb := newTab(t, "page")
	tb.open(cs.URL)
	tb.connect("alice")
	poll[bool](tb, "quotes streaming", `Number(`+jsText+`("ticks-count")) >= 5`)

	cs.kill(t)
	for _, s := range sockets {
		tb.waitLog(s+" close 1006 … wasClean=false", s+" close 1006 ", "wasClean=false")
	}
	items := eval[[]string](tb, jsItems+`("log")`)
	t.Logf("Chrome's event log:\n\t%s", strings.Join(items, "\n\t"))
	for _, s := range sockets {
		got := socketEvents(items, s)
		if err := wantKilled(got); err != nil {
			tb.fatalf("%s: %v", s, err)
		}
		t.Logf("Chrome, %s socket: %q", s, got)
	}
}

// socketEvents returns the open, error and close lines of one socket's
// first connection in the page's log, without message lines and close
// reasons (the page's socket reconnects: what follows is another's).
func socketEvents(items []string, socket string) []string {
	var out []string
	for _, it := range items {
		rest, ok := strings.CutPrefix(it, socket+" ")
		if !ok || strings.HasPrefix(rest, "message") {
			continue
		}
		if strings.HasPrefix(rest, "retry") {
			break
		}
		if code, _, ok := strings.Cut(strings.TrimPrefix(rest, "close "), " "); ok && strings.HasPrefix(rest, "close ") {
			rest = "close " + code + " wasClean=" + rest[strings.LastIndex(rest, "=")+1:]
		}
		out = append(out, rest)
	}
	return out
}

// wantKilled checks the events of a socket whose server was killed:
// open, then close 1006 not clean, with no error event between them. (On
// a connection that ends with a FIN and no close frame Chrome fires no
// error: it did not fail the connection, the server went away.)
func wantKilled(events []string) error {
	want := []string{"open", "close 1006 wasClean=false"}
	if !slices.Equal(events, want) {
		return fmt.Errorf("events %q, want %q", events, want)
	}
	return nil
}

// TestServerProcessKilledNative: the same kill, with the native wsapi
// client on the same three endpoints.
func TestServerProcessKilledNative(t *testing.T) {
	cs := startChild(t, "-tick-interval", "20ms")
	base := "ws" + strings.TrimPrefix(cs.URL, "http")
	ctx := testContext(t)
	type socket struct {
		name   string
		ws     *wsapi.WebSocket
		mu     sync.Mutex
		events []string
		ticks  int
	}
	var socks []*socket
	for _, name := range sockets {
		path := "ws/" + name
		if name == "chat" {
			path += "?nick=alice"
		}
		ws, err := wsapi.New(base + path)
		if err != nil {
			t.Fatal(err)
		}
		s := &socket{name: name, ws: ws}
		add := func(e string) {
			s.mu.Lock()
			s.events = append(s.events, e)
			s.mu.Unlock()
		}
		ws.SetHandlers(wsapi.Handlers{
			Open: func() { add("open") },
			Message: func(wsapi.MessageEvent) {
				s.mu.Lock()
				s.ticks++
				s.mu.Unlock()
			},
			Error: func(error) { add("error") },
			Close: func(e wsapi.CloseEvent) { add(fmt.Sprintf("close %d wasClean=%v", e.Code, e.WasClean)) },
		})
		if err := ws.WaitOpen(ctx); err != nil {
			t.Fatal(err)
		}
		socks = append(socks, s)
	}
	for ticks := socks[2]; ; time.Sleep(10 * time.Millisecond) {
		ticks.mu.Lock()
		n := ticks.ticks
		ticks.mu.Unlock()
		if n >= 5 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no quotes")
		}
	}

	cs.kill(t)
	for _, s := range socks {
		select {
		case <-s.ws.Done():
		case <-ctx.Done():
			t.Fatalf("%s: no close event", s.name)
		}
		s.mu.Lock()
		events := s.events
		s.mu.Unlock()
		if err := wantKilled(events); err != nil {
			t.Errorf("native, %s: %v", s.name, err)
		}
		t.Logf("native, %s socket: %q", s.name, events)
	}
}

// TestConnectionReset: the connections are reset (RST, as when a dying
// host had unread data, or a middlebox gives up) rather than closed.
// Chrome and the native client must agree on what they report; the test
// records it.
func TestConnectionReset(t *testing.T) {
	needBrowser(t)
	ts := startServer(t, nil)
	tb := newTab(t, "page")
	tb.open(ts.URL)
	tb.connect("alice")
	ts.kill()                   // RST on every connection
	for _, s := range sockets { // the first connection's close; the page then reconnects
		tb.waitLog(s+" close …", s+" close ", "")
	}
	items := eval[[]string](tb, jsItems+`("log")`)
	chrome := map[string][]string{}
	for _, s := range sockets {
		chrome[s] = socketEvents(items, s)
		t.Logf("Chrome, %s socket, reset: %q", s, chrome[s])
	}

	ts = startServer(t, nil)
	base := "ws" + strings.TrimPrefix(ts.URL, "http") + "/"
	ctx := testContext(t)
	var wss []*wsapi.WebSocket
	logs := make([]*eventLog, len(sockets))
	for i, s := range sockets {
		ws, err := wsapi.New(base + "ws/" + s)
		if err != nil {
			t.Fatal(err)
		}
		logs[i] = recordEvents(ws)
		if err := ws.WaitOpen(ctx); err != nil {
			t.Fatal(err)
		}
		wss = append(wss, ws)
	}
	ts.kill()
	for i, ws := range wss {
		select {
		case <-ws.Done():
		case <-ctx.Done():
			t.Fatalf("%s: no close event", sockets[i])
		}
		native := logs[i].list()
		t.Logf("native, %s socket, reset: %q", sockets[i], native)
		if !slices.Equal(native, chrome[sockets[i]]) {
			t.Errorf("%s socket, reset: native %q, Chrome %q", sockets[i], native, chrome[sockets[i]])
		}
	}
}

// eventLog records a native socket's events as the page logs them,
// without messages and close reasons.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) add(e string) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

func recordEvents(ws *wsapi.WebSocket) *eventLog {
	l := &eventLog{}
	ws.SetHandlers(wsapi.Handlers{
		Open:  func() { l.add("open") },
		Error: func(error) { l.add("error") },
		Close: func(e wsapi.CloseEvent) { l.add(fmt.Sprintf("close %d wasClean=%v", e.Code, e.WasClean)) },
	})
	return l
}
