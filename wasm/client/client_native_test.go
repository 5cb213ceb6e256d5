//go:build !js

package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/leakcheck"
	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

func TestMain(m *testing.M) {
	base := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		code = leakcheck.Check("client tests", base)
	}
	os.Exit(code)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// closer is what the three clients have in common for a test's cleanup.
type closer interface {
	Close() error
	Socket() *reconnect.Socket
}

// closeAtEnd closes c when the test ends and waits for its close event, so
// that no goroutine of it outlives the test.
func closeAtEnd(t *testing.T, c closer) {
	t.Cleanup(func() {
		c.Close()
		select {
		case <-c.Socket().Done():
		case <-time.After(5 * time.Second):
			t.Errorf("%s did not close", c.Socket().URL())
		}
	})
}

// recorder keeps a socket's hook calls as log lines, as the page shows
// them, and tells whether each close was local.
type recorder struct {
	mu    sync.Mutex
	name  string
	lines []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, s)
}

func (r *recorder) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines)
}

func (r *recorder) hooks() Hooks {
	return Hooks{
		Open:    func() { r.add(LogOpen(r.name)) },
		Message: func(m wsapi.MessageEvent) { r.add(LogMessage(r.name, m)) },
		Error:   func(error) { r.add(LogError(r.name)) },
		Close: func(ev wsapi.CloseEvent, local bool) {
			r.add(fmt.Sprintf("%s local=%t", LogClose(r.name, ev), local))
		},
		Invalid: func(_ wsapi.MessageEvent, err error) { r.add(r.name + " invalid: " + err.Error()) },
	}
}

func TestEcho(t *testing.T) {
	base := startServer(t)
	ctx := testContext(t)
	rec := &recorder{name: "echo"}
	var echoes []string // only touched by OnEcho, then read after Done
	e, err := DialEcho(base, &EchoOptions{
		Hooks:  rec.hooks(),
		OnEcho: func(m EchoMessage) { echoes = append(echoes, m.String()) },
	})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, e)
	// Queued while CONNECTING, sent on open.
	if err := e.SendText("too early"); err != nil {
		t.Errorf("SendText while CONNECTING: %v", err)
	}
	if err := e.Socket().WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	bin := []byte{0, 1, 2, 0xfe, 0xff}
	if err := e.SendText("héllo"); err != nil {
		t.Fatal(err)
	}
	if err := e.SendBinary(bin); err != nil {
		t.Fatal(err)
	}
	st, err := e.Wait(ctx, func(s EchoState) bool { return s.Received == 3 })
	if err != nil {
		t.Fatal(err)
	}
	want := []EchoMessage{{wsapi.Text, []byte("too early")}, {wsapi.Text, []byte("héllo")}, {wsapi.Binary, bin}}
	if st.Sent != 3 || len(st.Echoes) != 3 ||
		st.Echoes[1].Type != want[1].Type || !bytes.Equal(st.Echoes[1].Data, want[1].Data) ||
		st.Echoes[2].Type != want[2].Type || !bytes.Equal(st.Echoes[2].Data, want[2].Data) {
		t.Errorf("state %+v, want 3 sent and echoes %v", st, want)
	}
	e.Close()
	<-e.Socket().Done()
	if err := e.SendText("too late"); !errors.Is(err, ErrNotOpen) {
		t.Errorf("SendText when CLOSED: %v, want ErrNotOpen", err)
	}
	if got, want := echoes, []string{"text: too early", "text: héllo", "binary: 5 bytes 000102feff"}; !slices.Equal(got, want) {
		t.Errorf("OnEcho saw %q, want %q", got, want)
	}
	wantLog := []string{
		"echo open",
		"echo message text 9 bytes",
		"echo message text 6 bytes",
		"echo message binary 5 bytes",
		"echo close 1000 disconnect wasClean=true local=true",
	}
	if got := rec.get(); !slices.Equal(got, wantLog) {
		t.Errorf("log\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantLog, "\n"))
	}
	if st := e.State(); !st.Closed || !st.Local || st.Close.Code != 1000 {
		t.Errorf("state after Close: %+v", st.Conn)
	}
}

// timeRE is the server's time format: RFC 3339, milliseconds, UTC.
var timeRE = regexp.MustCompile(`"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`)

func TestChat(t *testing.T) {
	base := startServer(t)
	ctx := testContext(t)
	var badTime sync.Once
	join := func(nick string) (*Chat, *recorder) {
		rec := &recorder{name: "chat"}
		h := rec.hooks()
		h.Message = func(m wsapi.MessageEvent) {
			if !timeRE.Match(m.Data) {
				badTime.Do(func() { t.Errorf("time not as RFC 3339 UTC with milliseconds: %s", m.Data) })
			}
		}
		c, err := DialChat(base, &ChatOptions{Hooks: h, Nick: nick})
		if err != nil {
			t.Fatal(err)
		}
		closeAtEnd(t, c)
		if _, err := c.Wait(ctx, func(s ChatState) bool { return len(s.Events) > 0 }); err != nil {
			t.Fatalf("%s: %v", nick, err)
		}
		return c, rec
	}
	alice, _ := join("alice")
	bob, bobRec := join("bob")
	alice2, _ := join("alice") // the server renames a nick in use

	if got := alice2.State().Nick; got != "alice-2" {
		t.Errorf("second alice is %q, want alice-2", got)
	}
	if err := alice.Say("hello"); err != nil {
		t.Fatal(err)
	}
	if st, err := alice.Wait(ctx, func(s ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err, st)
	}
	if err := bob.Say("hi alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Wait(ctx, func(s ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err)
	}
	if err := alice2.Close(); err != nil {
		t.Fatal(err)
	}
	<-alice2.Socket().Done()

	// alice saw everything from her own join on, in order; bob from his.
	st, err := alice.Wait(ctx, func(s ChatState) bool { return len(s.Events) == 6 })
	if err != nil {
		t.Fatal(err)
	}
	wantAlice := []string{"alice joined", "bob joined", "alice-2 joined", "alice: hello", "bob: hi alice", "alice-2 left"}
	checkRoom(t, "alice", st, wantAlice)
	st, err = bob.Wait(ctx, func(s ChatState) bool { return len(s.Events) == 5 })
	if err != nil {
		t.Fatal(err)
	}
	checkRoom(t, "bob", st, wantAlice[1:])
	if st.Events[0].Seq != alice.State().Events[1].Seq {
		t.Errorf("bob's join has seq %d for bob and %d for alice", st.Events[0].Seq, alice.State().Events[1].Seq)
	}
	if st.Pending != 0 || st.Nick != "bob" || st.Missed != 0 || st.Invalid != 0 {
		t.Errorf("bob's state: %+v", st)
	}
	bob.Close()
	<-bob.Socket().Done()
	if got := bobRec.get(); len(got) == 0 || got[len(got)-1] != "chat close 1000 disconnect wasClean=true local=true" {
		t.Errorf("bob's log: %q", got)
	}

	if err := alice.Say(""); !errors.Is(err, ErrInvalid) {
		t.Errorf(`Say(""): %v, want ErrInvalid`, err)
	}
	if err := alice.Say(strings.Repeat("é", MaxSay+1)); !errors.Is(err, ErrInvalid) {
		t.Errorf("Say of %d characters: %v, want ErrInvalid", MaxSay+1, err)
	}
	if err := alice.Say(strings.Repeat("é", MaxSay)); err != nil {
		t.Errorf("Say of %d characters: %v", MaxSay, err)
	}
	if _, err := alice.Wait(ctx, func(s ChatState) bool { return s.Pending == 0 }); err != nil {
		t.Fatal(err)
	}
}

// checkRoom checks that the state has exactly the events want, with
// consecutive sequence numbers following the welcome's.
func checkRoom(t *testing.T, who string, st ChatState, want []string) {
	t.Helper()
	var got []string
	for i, e := range st.Events {
		got = append(got, e.String())
		if e.Seq != st.Events[0].Seq+uint64(i) {
			t.Errorf("%s: event %d (%s) has seq %d, want %d", who, i, e, e.Seq, st.Events[0].Seq+uint64(i))
		}
		if e.Time.IsZero() {
			t.Errorf("%s: event %d (%s) has no time", who, i, e)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s saw\n%s\nwant\n%s", who, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(st.Events) > 0 && st.Events[0].Seq != st.LastSeq-uint64(len(st.Events))+1 {
		t.Errorf("%s: last seq %d after %d events from %d", who, st.LastSeq, len(st.Events), st.Events[0].Seq)
	}
}

func TestChatGuest(t *testing.T) {
	base := startServer(t)
	c, err := DialChat(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, c)
	st, err := c.Wait(testContext(t), func(s ChatState) bool { return s.Welcomed })
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^guest-\d+$`).MatchString(st.Nick) {
		t.Errorf("nick %q, want guest-<n>", st.Nick)
	}
}

func TestTicks(t *testing.T) {
	base := startServer(t)
	ctx := testContext(t)
	var mu sync.Mutex
	var counts []int
	tk, err := DialTicks(base, &TicksOptions{OnQuote: func(q Quote, n int) {
		mu.Lock()
		counts = append(counts, n)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, tk)
	st, err := tk.Wait(ctx, func(s TicksState) bool { return s.Count >= 3 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Last.Symbol != "GOPHER" || st.Last.Price <= 0 || st.Last.Seq != uint64(st.Count) || st.Missed != 0 || st.Invalid != 0 {
		t.Errorf("state %+v", st)
	}
	if !regexp.MustCompile(`^GOPHER \d+\.\d\d$`).MatchString(st.Last.String()) {
		t.Errorf("ticker shows %q", st.Last)
	}
	tk.Close()
	<-tk.Socket().Done()
	mu.Lock()
	defer mu.Unlock()
	for i, n := range counts {
		if n != i+1 {
			t.Fatalf("OnQuote counts %v", counts)
		}
	}
}

// TestChatGap plays a room that skips sequence numbers and sends what the
// protocol does not allow.
func TestChatGap(t *testing.T) {
	const ts = `"time":"2026-01-02T03:04:05.678Z"`
	base := scripted(t, 0,
		`{"type":"join","nick":"early","seq":3,`+ts+`}`, // before the welcome
		`{"type":"welcome","nick":"alice","seq":3,`+ts+`}`,
		`{"type":"join","nick":"alice","seq":4,`+ts+`}`,
		`{"type":"say","nick":"bob","text":"one","seq":7,`+ts+`}`, // missed 5, 6
		`{"type":"say","nick":"bob","text":"again","seq":7,`+ts+`}`,
		`not json`,
		`{"type":"welcome","nick":"alice","seq":9,`+ts+`}`,
		`{"type":"leave","nick":"bob","nicks":["bob","carol"],"seq":10,`+ts+`}`, // missed 8, 9
	)
	rec := &recorder{name: "chat"}
	var mu sync.Mutex
	var missed, events []string
	c, err := DialChat(base, &ChatOptions{
		Hooks: rec.hooks(),
		Nick:  "alice",
		OnMissed: func(n int) {
			mu.Lock()
			defer mu.Unlock()
			missed = append(missed, fmt.Sprint(n))
			events = append(events, fmt.Sprintf("missed %d", n))
		},
		OnEvent: func(e ChatEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, fmt.Sprintf("%d %s", e.Seq, e))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, c)
	st, err := c.Wait(testContext(t), func(s ChatState) bool { return s.LastSeq == 10 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Missed != 4 || st.Invalid != 4 || len(st.Events) != 3 || st.Nick != "alice" {
		t.Errorf("state %+v", st)
	}
	if c.Socket().ReadyState() != wsapi.Open {
		t.Errorf("socket %s after invalid messages, want OPEN", c.Socket().ReadyState())
	}
	c.Close()
	<-c.Socket().Done() // the callbacks of the last event have returned
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"4 alice joined", "missed 2", "7 bob: one", "missed 2", "10 bob and carol left"}; !slices.Equal(events, want) {
		t.Errorf("callbacks %q, want %q", events, want)
	}
	var invalid int
	for _, l := range rec.get() {
		if strings.HasPrefix(l, "chat invalid: ") {
			invalid++
		}
	}
	if invalid != 4 {
		t.Errorf("Invalid hook called %d times, want 4:\n%s", invalid, strings.Join(rec.get(), "\n"))
	}
}

func TestTicksGap(t *testing.T) {
	q := func(seq int) string {
		return fmt.Sprintf(`{"type":"quote","seq":%d,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":1.5}`, seq)
	}
	base := scripted(t, 0, `{"type":"welcome","epoch":"e1","seq":1}`, q(1), q(2), q(2), q(5), `{"type":"quote"}`, q(6))
	tk, err := DialTicks(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, tk)
	st, err := tk.Wait(testContext(t), func(s TicksState) bool { return s.Last.Seq == 6 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != 4 || st.Missed != 2 || st.Invalid != 2 || st.Last.String() != "GOPHER 1.50" || st.Epoch != "e1" {
		t.Errorf("state %+v", st)
	}
}

// once makes a client's socket stop at its first close, as a plain
// WebSocket does.
var once = &reconnect.Options{ShouldReconnect: func(wsapi.CloseEvent) bool { return false }}

// TestServerCloses: a close the user did not start is not local, and ends
// a Wait with the close, once the socket will not reconnect.
func TestServerCloses(t *testing.T) {
	base := scripted(t, websocket.StatusGoingAway)
	rec := &recorder{name: "ticks"}
	tk, err := DialTicks(base, &TicksOptions{Hooks: rec.hooks(), Reconnect: once})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, tk)
	_, err = tk.Wait(testContext(t), func(s TicksState) bool { return s.Count > 0 })
	if wsapi.CloseStatus(err) != 1001 {
		t.Errorf("Wait: %v, want close 1001", err)
	}
	want := []string{"ticks open", "ticks close 1001 scripted wasClean=true local=false"}
	if got := rec.get(); !slices.Equal(got, want) {
		t.Errorf("log %q, want %q", got, want)
	}
}

// TestRefused: nothing listens. The page sees error, then close 1006.
func TestRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	rec := &recorder{name: "echo"}
	e, err := DialEcho("ws://"+addr, &EchoOptions{Hooks: rec.hooks(), Reconnect: once})
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, e)
	_, err = e.Wait(testContext(t), func(s EchoState) bool { return s.Opened })
	if wsapi.CloseStatus(err) != 1006 {
		t.Errorf("Wait: %v, want close 1006", err)
	}
	want := []string{"echo error", "echo close 1006 wasClean=false local=false"}
	if got := rec.get(); !slices.Equal(got, want) {
		t.Errorf("log %q, want %q", got, want)
	}
	if st := e.State(); st.Err == nil || !errors.Is(st.Err, wsapi.ErrConnection) {
		t.Errorf("state's error: %v", st.Err)
	}
}

// TestWaitContext: Wait gives up with the context.
func TestWaitContext(t *testing.T) {
	base := scripted(t, 0)
	e, err := DialEcho(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	closeAtEnd(t, e)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.Wait(ctx, func(s EchoState) bool { return s.Received > 0 }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait: %v, want DeadlineExceeded", err)
	}
}
