package reconnect_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		o    reconnect.Options
		want string
	}{
		{"negative min", reconnect.Options{MinDelay: -time.Second}, "MinDelay -1s is negative"},
		{"negative max", reconnect.Options{MaxDelay: -1}, "MaxDelay -1ns is negative"},
		{"inverted", reconnect.Options{MinDelay: 2 * time.Second, MaxDelay: time.Second}, "MaxDelay 1s is below MinDelay 2s"},
		{"inverted by default", reconnect.Options{MinDelay: time.Minute}, "MaxDelay 20s is below MinDelay 1m0s"},
		{"factor", reconnect.Options{Factor: 0.5}, "Factor 0.5 is not in [1, 1e6]"},
		{"factor NaN", reconnect.Options{Factor: nan()}, "Factor NaN"},
		{"uptime", reconnect.Options{MinUptime: -1}, "MinUptime -1ns is negative"},
		{"timeout", reconnect.Options{ConnectTimeout: -time.Millisecond}, "ConnectTimeout -1ms is negative"},
		{"idle", reconnect.Options{IdleTimeout: -time.Second}, "IdleTimeout -1s is negative"},
		{"retries", reconnect.Options{MaxRetries: -2}, "MaxRetries -2 is negative"},
		{"queue", reconnect.Options{MaxQueued: -1}, "MaxQueued -1 is negative"},
		{"queue bytes", reconnect.Options{MaxQueuedBytes: -5}, "MaxQueuedBytes -5 is negative"},
		{"protocols twice", reconnect.Options{WebSocket: &wsapi.Options{Protocols: []string{"a"}}}, "WebSocket.Protocols is set"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := reconnect.New(serverURL("/echo"), &c.o)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if !errors.Is(err, reconnect.ErrOption) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want one naming %q and wrapping ErrOption", err, c.want)
			}
		})
	}
	bad := []string{"http://[::1", "ws://x/#frag"}
	if native {
		bad = append(bad, "") // the browser resolves it against the page
	}
	for _, url := range bad {
		if s, err := reconnect.New(url, nil); !errors.Is(err, wsapi.ErrSyntax) {
			if s != nil {
				s.Close()
			}
			t.Errorf("New(%q): %v, want ErrSyntax", url, err)
		}
	}
	if _, err := reconnect.New(serverURL("/echo"), &reconnect.Options{Protocols: []string{"a b"}}); !errors.Is(err, wsapi.ErrSyntax) {
		t.Errorf("protocol %q: %v, want ErrSyntax", "a b", err)
	}
	s, err := reconnect.New(serverURL("/echo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); waitDone(t, s) }()
	if err := s.CloseWithStatus(1001, ""); !errors.Is(err, wsapi.ErrInvalidAccess) || !strings.Contains(err.Error(), "1001") {
		t.Errorf("CloseWithStatus(1001): %v", err)
	}
	if err := s.SendText("\xff"); !errors.Is(err, wsapi.ErrSyntax) || !strings.Contains(err.Error(), `"\xff"`) {
		t.Errorf("SendText(invalid UTF-8): %v", err)
	}
	if err := s.Send(42); err == nil || !strings.Contains(err.Error(), "int") {
		t.Errorf("Send(42): %v", err)
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestFirstOpen: the browser's shape, on a socket that never drops.
func TestFirstOpen(t *testing.T) {
	s, err := reconnect.New(serverURL("/hello?key="+key(t)), &reconnect.Options{Protocols: []string{"chat"}})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.ReadyState(); st != wsapi.Connecting {
		t.Errorf("ReadyState after New: %v", st)
	}
	r := record(t, s)
	waitOpen(t, s)
	r.expect("open 1", "message open 1")
	if s.ReadyState() != wsapi.Open || s.Protocol() != "chat" || !strings.HasPrefix(s.URL(), "ws://127.0.0.1:") {
		t.Errorf("open: state %v protocol %q url %q", s.ReadyState(), s.Protocol(), s.URL())
	}
	s.SendText("hi")
	s.SendBinary([]byte("bin"))
	r.expect("message hi", "message bin")
	s.CloseWithStatus(1000, "bye")
	if st := s.ReadyState(); st != wsapi.Closing {
		t.Errorf("ReadyState after Close: %v", st)
	}
	if rest := r.rest(s); !slices.Equal(rest, []string{"close 1000 CLOSED"}) {
		t.Errorf("after Close: %q", rest)
	}
	if err := s.Err(); wsapi.CloseStatus(err) != 1000 {
		t.Errorf("Err after Close: %v, want close 1000", err)
	}
	if ce, ok := s.CloseEvent(); !ok || ce.Code != 1000 || ce.Reason != "bye" {
		t.Errorf("CloseEvent %+v %v", ce, ok)
	}
	// Sent once closed: not sent and no error, as the browser does (and
	// counted in BufferedAmount, as Chrome does, not Node).
	if err := s.SendText("late"); err != nil {
		t.Errorf("send after close: %v", err)
	}
}

// TestReconnectAfterDrop: connections dropped without a close frame are
// followed by new ones, each open and close reported, and Opens tells a
// reopen.
func TestReconnectAfterDrop(t *testing.T) {
	s, err := reconnect.New(serverURL("/drop?n=2&key="+key(t)), fast())
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.expect("open 1", "close 1006 CONNECTING", "retry 1",
		"open 2", "close 1006 CONNECTING", "retry 2",
		"open 3", "message open 1")
	if s.Opens() != 3 {
		t.Errorf("Opens %d", s.Opens())
	}
}

// TestRefusedThenAccepted: refused handshakes are errors and closes with no
// open, and count as retries.
func TestRefusedThenAccepted(t *testing.T) {
	s, err := reconnect.New(serverURL("/refuse?n=3&key="+key(t)), fast())
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 10)
	r := record(t, s)
	s.OnError(func(err error) { errs <- err; r.ch <- "error" })
	for i := 1; i <= 3; i++ {
		r.expect("error", "close 1006 CONNECTING", "retry "+strconv.Itoa(i))
		if err := <-errs; !errors.Is(err, wsapi.ErrConnection) {
			t.Errorf("error %d: %v, want ErrConnection", i, err)
		}
	}
	r.expect("open 1", "message open 1")
}

func TestQueue(t *testing.T) {
	o := fast()
	o.MinDelay, o.MaxDelay = time.Hour, time.Hour // waits, until Close
	o.Rand = func() float64 { return 0.5 }
	o.MaxQueued, o.MaxQueuedBytes = 3, 10
	s, err := reconnect.New(serverURL("/refuse?n=1000&key="+key(t)), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.until("retry 1")
	if nr, ok := s.NextRetry(); !ok || nr.Attempt != 1 || nr.Delay != 30*time.Minute || nr.Paused != "" {
		t.Errorf("NextRetry %+v %v", nr, ok)
	}
	for _, m := range []string{"aaaa", "bbbb", "cc"} {
		if err := s.SendText(m); err != nil {
			t.Fatalf("queue %q: %v", m, err)
		}
	}
	if n := s.BufferedAmount(); n != 10 {
		t.Errorf("BufferedAmount %d, want 10", n)
	}
	err = s.SendText("d")
	if !errors.Is(err, reconnect.ErrQueueFull) || !strings.Contains(err.Error(), "1-byte text message: 3 messages, 10 bytes queued") {
		t.Errorf("over the bytes: %v", err)
	}
	q := s.DrainQueue()
	if len(q) != 3 || q[0].Text() != "aaaa" || q[2].Text() != "cc" || s.BufferedAmount() != 0 {
		t.Errorf("DrainQueue %v, BufferedAmount %d", q, s.BufferedAmount())
	}
	b := []byte("x")
	for range 3 {
		if err := s.SendBinary(b); err != nil {
			t.Fatal(err)
		}
	}
	b[0] = 'y' // the queue holds a copy
	if err := s.SendBinary(b); !errors.Is(err, reconnect.ErrQueueFull) {
		t.Errorf("over the count: %v", err)
	}
	s.Close()
	waitDone(t, s)
	if q := s.DrainQueue(); len(q) != 3 || string(q[0].Data) != "x" || q[0].Type != wsapi.Binary {
		t.Errorf("unsent after Close: %v", q)
	}
}

// TestQueueFlushOrder: what was queued goes out on the next open, in
// order, before what OnOpen sends and what is sent concurrently.
func TestQueueFlushOrder(t *testing.T) {
	o := fast()
	s, err := reconnect.New(serverURL("/refuse?n=1&key="+key(t)), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	for i := range 5 {
		s.SendText("q" + strconv.Itoa(i))
	}
	s.OnOpen(func() {
		s.SendText("from open")
		r.ch <- "open"
	})
	r.until("open")
	r.expect("message open 1", "message q0", "message q1", "message q2", "message q3", "message q4", "message from open")
}

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		code int
		stop bool
	}{
		{1000, false}, {1001, false}, {1003, true}, {1007, true}, {1008, false},
		{1009, true}, {1011, false}, {1012, false}, {1013, false},
		{3000, false}, {3499, false}, {3500, true}, {3999, true},
		{4000, false}, {4499, false}, {4500, true}, {4999, true},
	} {
		t.Run(strconv.Itoa(c.code), func(t *testing.T) {
			o := fast()
			o.MaxRetries = 1
			s, err := reconnect.New(serverURL("/close?code="+strconv.Itoa(c.code)), o)
			if err != nil {
				t.Fatal(err)
			}
			r := record(t, s)
			want := []string{"open 1", "close " + strconv.Itoa(c.code) + " CLOSED"}
			wantErr := reconnect.ErrStopped
			if !c.stop {
				want = []string{"open 1", "close " + strconv.Itoa(c.code) + " CONNECTING", "retry 1", "open 2", "close " + strconv.Itoa(c.code) + " CLOSED"}
				wantErr = reconnect.ErrRetriesExhausted
			}
			if got := r.rest(s); !slices.Equal(got, want) {
				t.Errorf("events %q, want %q", got, want)
			}
			if err := s.Err(); !errors.Is(err, wantErr) {
				t.Errorf("Err %v, want %v", err, wantErr)
			}
			if wsapi.CloseStatus(s.Err()) != c.code {
				t.Errorf("CloseStatus(Err) %d", wsapi.CloseStatus(s.Err()))
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			if err := s.WaitOpen(ctx); !errors.Is(err, wantErr) {
				t.Errorf("WaitOpen once done: %v", err)
			}
		})
	}
	// A policy of one's own.
	o := fast()
	o.ShouldReconnect = func(e wsapi.CloseEvent) bool { return e.Reason != "enough" }
	s, err := reconnect.New(serverURL("/close?code=4000&reason=enough"), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := record(t, s).rest(s); !slices.Equal(got, []string{"open 1", "close 4000 CLOSED"}) {
		t.Errorf("own policy: %q", got)
	}
}

// TestCloseDuringBackoff: Close while waiting for a retry ends the socket
// at once, with no attempt after it.
func TestCloseDuringBackoff(t *testing.T) {
	o := fast()
	o.MinDelay, o.MaxDelay = time.Hour, time.Hour
	o.Rand = func() float64 { return 0.5 }
	s, err := reconnect.New(serverURL("/refuse?n=1000&key="+key(t)), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.expect("error", "close 1006 CONNECTING", "retry 1")
	s.Close()
	if got := r.rest(s); len(got) != 0 {
		t.Errorf("events after Close: %q", got)
	}
	if s.ReadyState() != wsapi.Closed || wsapi.CloseStatus(s.Err()) != 1006 {
		t.Errorf("state %v err %v", s.ReadyState(), s.Err())
	}
	if _, ok := s.NextRetry(); ok {
		t.Error("NextRetry after Close")
	}
}

// TestCloseWhileConnecting: Close before open fails that attempt, as the
// browser does, and starts no other.
func TestCloseWhileConnecting(t *testing.T) {
	s, err := reconnect.New(serverURL("/echo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := record(t, s)
	if got := r.rest(s); !slices.Equal(got, []string{"error", "close 1006 CLOSED"}) && len(got) != 0 {
		t.Errorf("events %q", got)
	}
}

func TestURLProvider(t *testing.T) {
	o := fast()
	k := key(t)
	calls := 0
	o.URLProvider = func(ctx context.Context) (string, error) {
		calls++
		if ctx.Err() != nil {
			t.Errorf("provider's context already done: %v", ctx.Err())
		}
		switch calls {
		case 1:
			return "", errors.New("token service down")
		case 2:
			return "", nil
		case 3:
			return "http://[::1", nil
		}
		return serverURL("/hello?key=" + k + "&call=" + strconv.Itoa(calls)), nil
	}
	o.ProtocolsProvider = func(context.Context) ([]string, error) { return nil, nil }
	s, err := reconnect.New("", o)
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 10)
	r := record(t, s)
	s.OnError(func(err error) { errs <- err; r.ch <- "error" })
	r.expect("error", "retry 1", "error", "retry 2", "error", "retry 3", "open 1", "message open 1")
	for i, want := range []string{"token service down", `URL ""`, `"http://[::1"`} {
		err := <-errs
		if !errors.Is(err, reconnect.ErrProvider) || !strings.Contains(err.Error(), want) {
			t.Errorf("error %d: %v, want ErrProvider and %s", i, err, want)
		}
	}
	if !strings.HasSuffix(s.URL(), "call=4") {
		t.Errorf("URL %q", s.URL())
	}
}

// TestIdle: a connection on which nothing arrives is given up after
// IdleTimeout, without waiting for its closing handshake, and replaced.
func TestIdle(t *testing.T) {
	o := fast()
	o.IdleTimeout = 100 * time.Millisecond
	s, err := reconnect.New(serverURL("/mute"), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.expect("open 1", "close 1006 CONNECTING", "retry 1", "open 2")
	if ce, _ := s.CloseEvent(); ce.Reason != "reconnect: nothing received for 100ms" || ce.WasClean {
		t.Errorf("close event %+v", ce)
	}
}

// TestCycles: a thousand connections made and dropped leave no goroutine
// and no memory behind.
func TestCycles(t *testing.T) {
	const n = 1000
	g0, h0 := usage()
	s, err := reconnect.New(serverURL("/drop?n="+strconv.Itoa(n)+"&key="+key(t)), fast())
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.until("message open 1")
	if s.Opens() != n+1 {
		t.Errorf("Opens %d, want %d", s.Opens(), n+1)
	}
	s.Close()
	waitDone(t, s)
	var g1 int
	var h1 uint64
	for range 100 { // goroutines on their way out
		if g1, h1 = usage(); g1 <= g0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if g1 > g0 {
		t.Errorf("%d goroutines after %d cycles, %d before", g1, n, g0)
	}
	if h1 > h0+1<<20 {
		t.Errorf("heap %d bytes after %d cycles, %d before", h1, n, h0)
	}
	t.Logf("%d cycles: goroutines %d -> %d, heap %d -> %d", n, g0, g1, h0, h1)
}

// TestWaitBufferedAmount: the queue counts, and drains on the next open.
func TestWaitBufferedAmount(t *testing.T) {
	o := fast()
	o.MinDelay, o.MaxDelay, o.Rand = 50*time.Millisecond, 50*time.Millisecond, func() float64 { return 1 }
	s, err := reconnect.New(serverURL("/refuse?n=1&key="+key(t)), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	for range 10 {
		s.SendText("0123456789")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := s.WaitBufferedAmount(ctx, 50); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitBufferedAmount while the queue holds 100 bytes: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), patience)
	defer cancel2()
	if err := s.WaitBufferedAmount(ctx2, 0); err != nil {
		t.Fatal(err)
	}
	r.until("open 1")
	s.Close()
	waitDone(t, s)
	s.SendText("late") // never sent; counted, as Chrome counts it (Node does not)
	if err := s.WaitBufferedAmount(ctx2, 0); s.BufferedAmount() > 0 && wsapi.CloseStatus(err) == -1 {
		t.Errorf("WaitBufferedAmount once done: %v, want Err's close", err)
	}
}
