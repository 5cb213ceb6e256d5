//go:build !js

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

func TestEcho(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	c := dial(t, ctx, ts, "/ws/echo", nil)
	c.SetReadLimit(-1)

	msgs := []struct {
		typ  websocket.MessageType
		data []byte
	}{
		{websocket.MessageText, []byte("hello")},
		{websocket.MessageBinary, []byte{0, 1, 2, 0xff}},
		{websocket.MessageText, []byte("")},
		{websocket.MessageBinary, bytes.Repeat([]byte{7}, server.DefaultReadLimit)},
	}
	for _, m := range msgs {
		if err := c.Write(ctx, m.typ, m.data); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range msgs {
		typ, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != m.typ || !bytes.Equal(data, m.data) {
			t.Errorf("echo %d: %v of %d bytes, want %v of %d", i, typ, len(data), m.typ, len(m.data))
		}
	}
	c.Close(websocket.StatusNormalClosure, "bye")
	l := ts.logs.wait(t, isClose("/ws/echo", 1000))
	if l["reason"] != "bye" || l["by"] != "client" || l["duration"] == nil || l["remote"] == "" {
		t.Errorf("close log line %v", l)
	}
}

// chatEvent is a server message of the chat.
type chatEvent struct {
	Type  string   `json:"type"`
	Nick  string   `json:"nick"`
	Nicks []string `json:"nicks"`
	Text  string   `json:"text"`
	Seq   int64    `json:"seq"`
	Time  string   `json:"time"`
}

// timeRE is RFC 3339 in UTC with milliseconds.
var timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func readEvent(t *testing.T, ctx context.Context, c *websocket.Conn) chatEvent {
	t.Helper()
	e, _ := readJSON[chatEvent](t, ctx, c)
	if !timeRE.MatchString(e.Time) {
		t.Errorf("time %q is not RFC 3339 UTC with milliseconds", e.Time)
	}
	if tm, err := time.Parse(time.RFC3339, e.Time); err != nil || time.Since(tm).Abs() > time.Minute {
		t.Errorf("time %q: %v, or not now", e.Time, err)
	}
	return e
}

// expect reads the next event of c and compares it, time aside.
func expect(t *testing.T, ctx context.Context, c *websocket.Conn, want chatEvent) {
	t.Helper()
	got := readEvent(t, ctx, c)
	got.Time = ""
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func say(t *testing.T, ctx context.Context, c *websocket.Conn, text string) {
	t.Helper()
	msg, _ := json.Marshal(map[string]string{"type": "say", "text": text})
	if err := c.Write(ctx, websocket.MessageText, msg); err != nil {
		t.Fatal(err)
	}
}

func TestChat(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)

	alice := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	expect(t, ctx, alice, chatEvent{Type: "welcome", Nick: "alice", Seq: 0})
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "alice", Seq: 1})

	bob := dial(t, ctx, ts, "/ws/chat?nick=bob", nil)
	expect(t, ctx, bob, chatEvent{Type: "welcome", Nick: "bob", Seq: 1})
	expect(t, ctx, bob, chatEvent{Type: "join", Nick: "bob", Seq: 2})
	expect(t, ctx, alice, chatEvent{Type: "join", Nick: "bob", Seq: 2})

	say(t, ctx, alice, "hello, bob")
	for _, c := range []*websocket.Conn{alice, bob} {
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "alice", Text: "hello, bob", Seq: 3})
	}
	say(t, ctx, bob, "héllo ✓")
	say(t, ctx, bob, strings.Repeat("€", 1000))
	for _, c := range []*websocket.Conn{alice, bob} {
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "bob", Text: "héllo ✓", Seq: 4})
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "bob", Text: strings.Repeat("€", 1000), Seq: 5})
	}

	// The same nick again gets a suffix; the next one the next suffix.
	// A say of a member whose join waits to be announced comes after it.
	alice2 := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	expect(t, ctx, alice2, chatEvent{Type: "welcome", Nick: "alice-2", Seq: 5})
	say(t, ctx, alice2, "hi")
	for _, c := range []*websocket.Conn{alice, bob, alice2} {
		expect(t, ctx, c, chatEvent{Type: "join", Nick: "alice-2", Seq: 6})
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "alice-2", Text: "hi", Seq: 7})
	}
	alice3 := dial(t, ctx, ts, "/ws/chat?nick=alice", nil)
	expect(t, ctx, alice3, chatEvent{Type: "welcome", Nick: "alice-3", Seq: 7})
	for _, c := range []*websocket.Conn{alice, bob, alice2, alice3} {
		expect(t, ctx, c, chatEvent{Type: "join", Nick: "alice-3", Seq: 8})
	}

	bob.Close(websocket.StatusNormalClosure, "")
	for _, c := range []*websocket.Conn{alice, alice2, alice3} {
		expect(t, ctx, c, chatEvent{Type: "leave", Nick: "bob", Seq: 9})
	}
	ts.logs.wait(t, func(l map[string]any) bool {
		return l["msg"] == "ws open" && l["endpoint"] == "/ws/chat" && l["nick"] == "alice-2"
	})
	ts.logs.wait(t, func(l map[string]any) bool {
		return isClose("/ws/chat", 1000)(l) && l["nick"] == "bob"
	})

	// A nick that has left is free again.
	bob2 := dial(t, ctx, ts, "/ws/chat?nick=bob", nil)
	expect(t, ctx, bob2, chatEvent{Type: "welcome", Nick: "bob", Seq: 9})
}

// TestChatPresence: joins and leaves that come together are announced
// together, leaves first; a nick is taken until its leave is announced.
// The room announces them when a newcomer speaks (the timer, an hour
// here, never does).
func TestChatPresence(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	server.SetPresenceWindow(ts.Server, time.Hour)
	ctx := testContext(t)

	const n = 10
	var conns []*websocket.Conn
	var nicks []string
	for i := range n {
		nick := fmt.Sprintf("m%d", i)
		c := dial(t, ctx, ts, "/ws/chat?nick="+nick, nil)
		expect(t, ctx, c, chatEvent{Type: "welcome", Nick: nick, Seq: 0})
		conns = append(conns, c)
		nicks = append(nicks, nick)
	}
	say(t, ctx, conns[n-1], "all here")
	for _, c := range conns {
		expect(t, ctx, c, chatEvent{Type: "join", Nick: "m0", Nicks: nicks, Seq: 1})
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "m9", Text: "all here", Seq: 2})
	}

	// m0 to m8 leave; m0 comes back before their leaves are announced.
	for _, c := range conns[:n-1] {
		c.Close(websocket.StatusNormalClosure, "")
	}
	ts.logs.wait(t, func(map[string]any) bool {
		closes := 0
		for _, l := range ts.logs.lines() {
			if l["msg"] == "ws close" {
				closes++
			}
		}
		return closes == n-1
	})
	again := dial(t, ctx, ts, "/ws/chat?nick=m0", nil)
	expect(t, ctx, again, chatEvent{Type: "welcome", Nick: "m0-2", Seq: 2})
	say(t, ctx, again, "back")
	for _, c := range []*websocket.Conn{conns[n-1], again} {
		// In the order the server saw the closes.
		e := readEvent(t, ctx, c)
		left := slices.Sorted(slices.Values(e.Nicks))
		if e.Type != "leave" || len(e.Nicks) != n-1 || e.Nick != e.Nicks[0] || e.Seq != 3 || !slices.Equal(left, nicks[:n-1]) {
			t.Errorf("got %+v, want the leave of m0 to m8", e)
		}
		expect(t, ctx, c, chatEvent{Type: "join", Nick: "m0-2", Seq: 4})
		expect(t, ctx, c, chatEvent{Type: "say", Nick: "m0-2", Text: "back", Seq: 5})
	}
	// Their leaves announced, the nicks are free.
	m1 := dial(t, ctx, ts, "/ws/chat?nick=m1", nil)
	expect(t, ctx, m1, chatEvent{Type: "welcome", Nick: "m1", Seq: 5})
}

func TestChatNicks(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)

	for _, nick := range []string{"a", "Zed_9-x", strings.Repeat("n", 24)} {
		c := dial(t, ctx, ts, "/ws/chat?nick="+nick, nil)
		if e := readEvent(t, ctx, c); e.Nick != nick {
			t.Errorf("nick %q given as %q", nick, e.Nick)
		}
	}
	for _, path := range []string{"/ws/chat", "/ws/chat?nick="} {
		c := dial(t, ctx, ts, path, nil)
		if e := readEvent(t, ctx, c); !regexp.MustCompile(`^guest-\d+$`).MatchString(e.Nick) {
			t.Errorf("%s: nick %q, want guest-<n>", path, e.Nick)
		}
	}
	for _, nick := range []string{"bad%20nick", "bad!", strings.Repeat("n", 25), "%C3%A9t%C3%A9", "a%2Fb"} {
		if got := dialStatus(t, ctx, ts, "/ws/chat?nick="+nick, nil); got != 400 {
			t.Errorf("nick %q: HTTP %d, want 400", nick, got)
		}
	}
}

func TestChatBadMessage(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)

	bad := []struct {
		name string
		typ  websocket.MessageType
		data string
	}{
		{"empty text", websocket.MessageText, `{"type":"say","text":""}`},
		{"no text", websocket.MessageText, `{"type":"say"}`},
		{"too long", websocket.MessageText, `{"type":"say","text":"` + strings.Repeat("x", 1001) + `"}`},
		{"other type", websocket.MessageText, `{"type":"join","text":"x"}`},
		{"not JSON", websocket.MessageText, `say hello`},
		{"binary", websocket.MessageBinary, `{"type":"say","text":"x"}`},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			c := dial(t, ctx, ts, "/ws/chat?nick=x", nil)
			if err := c.Write(ctx, b.typ, []byte(b.data)); err != nil {
				t.Fatal(err)
			}
			wantClose(t, readUntilClose(t, ctx, c), websocket.StatusPolicyViolation, "bad message")
		})
	}
	ts.logs.wait(t, isClose("/ws/chat", 1008))
}

// TestIdleGoroutines: an idle connection has one goroutine, its handler.
// Memory per idle connection is what a server of many runs out of first,
// and a goroutine costs a stack: no writer may wait on an empty queue,
// and the pings need no goroutine between two of them.
func TestIdleGoroutines(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{PingInterval: 50 * time.Millisecond})
	ctx := testContext(t)

	const n = 5
	for range n {
		for _, path := range []string{"/ws/echo", "/ws/chat"} {
			c := dial(t, ctx, ts, path, nil)
			// Reading answers the pings, and takes the chat's joins.
			go func() {
				for {
					if _, _, err := c.Read(ctx); err != nil {
						return
					}
				}
			}()
		}
	}
	// A ping in flight has a goroutine for as long as it takes: the
	// count must fall to one a connection between two pings.
	var got int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if got = serverGoroutines(); got == 2*n {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got != 2*n {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines in package server for %d idle connections:\n%s", got, 2*n, buf[:runtime.Stack(buf, true)])
	}
	// The pings go on all the same.
	time.Sleep(200 * time.Millisecond)
	for _, l := range ts.logs.lines() {
		if l["msg"] == "ws close" {
			t.Errorf("closed: %v", l)
		}
	}
}

// serverGoroutines counts the goroutines running code of package server.
func serverGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for g := range bytes.SplitSeq(buf, []byte("\n\n")) {
		if bytes.Contains(g, []byte("/wsapi/server.")) {
			n++
		}
	}
	return n
}

func TestTicks(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{TickInterval: 5 * time.Millisecond})
	ctx := testContext(t)
	c := dial(t, ctx, ts, "/ws/ticks", nil)

	w := readWelcome(t, ctx, c)
	if w.Type != "welcome" || w.Epoch == "" || w.Recovered != nil || w.Seq < 1 {
		t.Fatalf("welcome %+v", w)
	}
	priceRE := regexp.MustCompile(`"price":\d+\.\d\d}$`)
	// The latest quote at once, then the next ones, stream-wide seq.
	for seq := w.Seq; seq < w.Seq+20; seq++ {
		q := readQuote(t, ctx, c)
		if q.Type != "quote" || q.Seq != seq || q.Symbol != "GOPHER" || q.Price <= 0 ||
			!timeRE.MatchString(q.Time) || !priceRE.Match(q.raw) {
			t.Errorf("quote %d: %s", seq, q.raw)
		}
	}
}

func TestOrigin(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{AllowedOrigins: []string{"*.example.com", "https://app.example.org"}})
	ctx := testContext(t)
	host := strings.TrimPrefix(ts.ws, "ws://")

	for _, tc := range []struct {
		origin string
		status int
	}{
		{"", 101}, // a native client
		{"http://" + host, 101},
		{"http://evil.example.net", 403},
		{"http://" + strings.Replace(host, "127.0.0.1", "localhost", 1), 403},
		{"http://a.example.com", 101},
		{"https://b.example.com", 101},
		{"http://example.com", 403},
		{"https://app.example.org", 101},
		{"http://app.example.org", 403},
	} {
		for _, path := range []string{"/ws/echo", "/ws/chat", "/ws/ticks"} {
			opts := &websocket.DialOptions{HTTPHeader: map[string][]string{}}
			if tc.origin != "" {
				opts.HTTPHeader.Set("Origin", tc.origin)
			}
			if got := dialStatus(t, ctx, ts, path, opts); got != tc.status {
				t.Errorf("%s from %q: HTTP %d, want %d", path, tc.origin, got, tc.status)
			}
		}
	}
	ts.logs.wait(t, func(l map[string]any) bool {
		return l["msg"] == "ws refused" && l["origin"] == "http://evil.example.net"
	})
}

func TestOriginDefault(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	opts := &websocket.DialOptions{HTTPHeader: map[string][]string{"Origin": {"http://a.example.com"}}}
	if got := dialStatus(t, ctx, ts, "/ws/echo", opts); got != 403 {
		t.Errorf("cross-origin: HTTP %d, want 403", got)
	}
}

func TestReadLimit(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{ReadLimit: 1000})
	ctx := testContext(t)

	for _, path := range []string{"/ws/echo", "/ws/chat", "/ws/ticks"} {
		c := dial(t, ctx, ts, path, nil)
		if err := c.Write(ctx, websocket.MessageText, []byte(strings.Repeat("x", 1001))); err != nil {
			t.Fatal(err)
		}
		ce := readUntilClose(t, ctx, c)
		if ce.Code != websocket.StatusMessageTooBig {
			t.Errorf("%s: close %v, want 1009", path, ce)
		}
		ts.logs.wait(t, isClose(path, 1009))
	}
}

// TestSlowClient fills the queue of a chat client that never reads, with
// says of a client that reads and waits for the echo of each before it
// sends the next. The room must drop the slow client, with 1008 "too
// slow", and go on serving the other: its says are published by the
// room, from its own handler, so they could not come back if publishing
// waited on the slow client.
func TestSlowClient(t *testing.T) {
	checkGoroutines(t)
	// No rate limit: how many says the socket buffers hold varies.
	ts := startServer(t, &server.Options{SendQueue: 4, RateLimit: -1})
	ctx := testContext(t)

	slow := dial(t, ctx, ts, "/ws/chat?nick=slow", nil)
	// The handshake's end does not mean that slow has joined.
	ts.logs.wait(t, func(l map[string]any) bool { return l["msg"] == "ws open" && l["nick"] == "slow" })
	fast := dial(t, ctx, ts, "/ws/chat?nick=fast", nil)
	// Slow's join may have been announced before fast came, or not: it
	// is announced at the latest with fast's, before fast's first say.
	e := readEvent(t, ctx, fast)
	if e.Type != "welcome" || e.Nick != "fast" || e.Seq > 1 {
		t.Fatalf("got %+v, want fast's welcome", e)
	}
	var last int64 = e.Seq // the last seq fast has seen
	var joined []string

	// 3000 bytes a message: the socket buffers (a few MB) fill up in
	// a few thousand messages, then the queue in four more.
	text := strings.Repeat("€", 1000)
	dropped := false
	for i := 0; !dropped; i++ {
		if i == 100000 {
			t.Fatal("the slow client is still in the room")
		}
		say(t, ctx, fast, text)
		for {
			e := readEvent(t, ctx, fast)
			if e.Seq != last+1 {
				t.Fatalf("got %+v after seq %d", e, last)
			}
			last = e.Seq
			if e.Type == "leave" && e.Nick == "slow" {
				t.Logf("slow client dropped after %d messages", i)
				dropped = true
				continue
			}
			if e.Type == "join" {
				joined = append(joined, eventNicks(e)...)
				continue
			}
			if e.Type != "say" || e.Nick != "fast" || e.Text != text {
				t.Fatalf("got %+v, want fast's say", e)
			}
			break
		}
	}

	// The slow client gets what was sent before the decision, then the
	// close frame.
	wantClose(t, readUntilClose(t, ctx, slow), websocket.StatusPolicyViolation, "too slow")
	ts.logs.wait(t, func(l map[string]any) bool {
		return isClose("/ws/chat", 1008)(l) && l["nick"] == "slow" && l["reason"] == "too slow"
	})

	if !slices.Equal(joined, []string{"slow", "fast"}) {
		t.Errorf("joins of %q, want slow and fast", joined)
	}

	say(t, ctx, fast, "still here")
	expect(t, ctx, fast, chatEvent{Type: "say", Nick: "fast", Text: "still here", Seq: last + 1})
}

// eventNicks returns the nicks a join or leave names.
func eventNicks(e chatEvent) []string {
	if e.Nicks != nil {
		return e.Nicks
	}
	return []string{e.Nick}
}

func TestShutdown(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{TickInterval: time.Millisecond})
	ctx := testContext(t)

	paths := []string{"/ws/echo", "/ws/chat?nick=a", "/ws/chat?nick=b", "/ws/ticks"}
	closes := make(chan error, len(paths))
	for _, path := range paths {
		c := dial(t, ctx, ts, path, nil)
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					closes <- err
					return
				}
			}
		}()
	}
	// Every client is registered once its open is logged.
	ts.logs.wait(t, func(map[string]any) bool {
		opens := 0
		for _, l := range ts.logs.lines() {
			if l["msg"] == "ws open" {
				opens++
			}
		}
		return opens == len(paths)
	})

	if err := ts.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for range paths {
		var ce websocket.CloseError
		if err := <-closes; !errors.As(err, &ce) {
			t.Errorf("ended without a close frame: %v", err)
		} else {
			wantClose(t, ce, websocket.StatusGoingAway, "server shutting down")
		}
	}
	// Shutdown waited for the handlers: the close lines are written.
	n := 0
	for _, l := range ts.logs.lines() {
		if l["msg"] == "ws close" {
			n++
			if l["code"] != float64(1001) || l["reason"] != "server shutting down" {
				t.Errorf("close log line %v", l)
			}
		}
	}
	if n != len(paths) {
		t.Errorf("%d close log lines, want %d", n, len(paths))
	}
	if got := dialStatus(t, ctx, ts, "/ws/echo", nil); got != 503 {
		t.Errorf("dial after Shutdown: HTTP %d, want 503", got)
	}
	if err := ts.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
}

func TestShutdownDeadline(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)

	// This client never answers the close frame.
	raw := rawDial(t, ts, "/ws/echo")
	ts.logs.wait(t, func(l map[string]any) bool { return l["msg"] == "ws open" })

	sctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := ts.Shutdown(sctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want a deadline error", err)
	}
	// The connection was cut: the client sees the close frame, then EOF.
	frames, err := raw.readFrames()
	if err == nil || len(frames) != 1 || frames[0].opcode != 8 {
		t.Errorf("frames %v, end %v; want a close frame then the end", frames, err)
	}
	ts.logs.wait(t, isClose("/ws/echo", 1001))
}

func TestDeadPeer(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{
		PingInterval: 50 * time.Millisecond,
		PingTimeout:  500 * time.Millisecond, // a live client under -race answers well within it
	})
	ctx := testContext(t)

	// A live client is not troubled by the pings...
	live := dial(t, ctx, ts, "/ws/echo", nil)
	go func() {
		for {
			if _, _, err := live.Read(ctx); err != nil {
				return
			}
		}
	}()

	// ... a dead one is cut.
	raw := rawDial(t, ts, "/ws/echo")
	frames, err := raw.readFrames()
	if err == nil {
		t.Fatal("no end")
	}
	if len(frames) == 0 || frames[0].opcode != 9 {
		t.Errorf("frames %v, want pings", frames)
	}
	ts.logs.wait(t, func(l map[string]any) bool {
		return isClose("/ws/echo", 1006)(l) && l["reason"] == "ping timeout"
	})

	time.Sleep(200 * time.Millisecond) // a few more pings
	if err := live.Ping(ctx); err != nil {
		t.Errorf("the live client: %v", err)
	}
	for _, l := range ts.logs.lines() {
		if l["msg"] == "ws close" && l["reason"] != "ping timeout" {
			t.Errorf("unexpected close: %v", l)
		}
	}
}

func TestNewErrors(t *testing.T) {
	ok := func() server.Options {
		var o server.Options
		testFiles(t, &o)
		return o
	}
	for name, change := range map[string]func(*server.Options){
		"negative ReadLimit":    func(o *server.Options) { o.ReadLimit = -1 },
		"negative SendQueue":    func(o *server.Options) { o.SendQueue = -1 },
		"negative PingInterval": func(o *server.Options) { o.PingInterval = -time.Second },
		"negative PingTimeout":  func(o *server.Options) { o.PingTimeout = -time.Second },
		"negative TickInterval": func(o *server.Options) { o.TickInterval = -time.Second },
		"negative PublishQueue": func(o *server.Options) { o.PublishQueue = -1 },
		"bad origin":            func(o *server.Options) { o.AllowedOrigins = []string{"[a-"} },
		"no web dir":            func(o *server.Options) { o.WebDir += "-missing" },
		"web dir is a file":     func(o *server.Options) { o.WebDir = o.WasmPath },
		"no wasm":               func(o *server.Options) { o.WasmPath += "-missing" },
		"no wasm_exec.js":       func(o *server.Options) { o.WasmExecPath += "-missing" },
	} {
		o := ok()
		change(&o)
		if _, err := server.New(&o); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "failed to ") {
			t.Errorf("%s: error %q", name, err)
		}
	}
	o := ok()
	if _, err := server.New(&o); err != nil {
		t.Errorf("good options: %v", err)
	}
}

// TestOptionsCopied changes Options after New: the server must not see it.
func TestOptionsCopied(t *testing.T) {
	checkGoroutines(t)
	o := &server.Options{AllowedOrigins: []string{"a.example.com"}}
	ts := startServer(t, o)
	o.AllowedOrigins[0] = "b.example.com"
	ctx := testContext(t)
	opts := &websocket.DialOptions{HTTPHeader: map[string][]string{"Origin": {"http://a.example.com"}}}
	if got := dialStatus(t, ctx, ts, "/ws/echo", opts); got != 101 {
		t.Errorf("HTTP %d, want 101", got)
	}
}

func ExampleNew() {
	s, err := server.New(&server.Options{AllowedOrigins: []string{"localhost:*"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	hs := &http.Server{Addr: "127.0.0.1:8080", Handler: s}
	go hs.ListenAndServe()
	// ... until it is time to stop:
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Shutdown(ctx)
	hs.Shutdown(ctx)
}
