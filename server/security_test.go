//go:build !js

package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

// TestRateLimit: a client that floods the chat room is closed with 1008
// once its burst is spent, and a calm member of the room goes on as if
// nothing happened: it sees the flood's first messages, the flooder
// leave, and its own say acknowledged.
func TestRateLimit(t *testing.T) {
	checkGoroutines(t)
	const rate, burst = 20, 10
	ts := startServer(t, &server.Options{RateLimit: rate, RateBurst: burst})
	ctx := testContext(t)

	calm := dial(t, ctx, ts, "/ws/chat?nick=calm", nil)
	expect(t, ctx, calm, chatEvent{Type: "welcome", Nick: "calm", Seq: 0})
	expect(t, ctx, calm, chatEvent{Type: "join", Nick: "calm", Seq: 1})
	flood := dial(t, ctx, ts, "/ws/chat?nick=flood", nil)
	expect(t, ctx, calm, chatEvent{Type: "join", Nick: "flood", Seq: 2})

	// The flooder writes without reading; its says come back to it, and
	// the socket buffers hold them.
	start := time.Now()
	const sent = 500
	for range sent {
		msg := []byte(`{"type":"say","text":"spam"}`)
		if flood.Write(ctx, websocket.MessageText, msg) != nil {
			break // the server cut it
		}
	}
	wantClose(t, readUntilClose(t, ctx, flood), websocket.StatusPolicyViolation, "rate limit exceeded")
	elapsed := time.Since(start)
	ts.logs.wait(t, func(l map[string]any) bool {
		return isClose("/ws/chat", 1008)(l) && l["nick"] == "flood" && l["reason"] == "rate limit exceeded"
	})

	// At most the burst and what the rate refilled meanwhile got through.
	says := 0
	for {
		e := readEvent(t, ctx, calm)
		if e.Type == "leave" && e.Nick == "flood" {
			break
		}
		if e.Type != "say" || e.Nick != "flood" || e.Seq != int64(3+says) {
			t.Fatalf("calm got %+v", e)
		}
		says++
	}
	if max := burst + int(rate*elapsed.Seconds()) + 1; says < burst || says > max {
		t.Errorf("%d says got through in %v; want %d to %d", says, elapsed, burst, max)
	}
	t.Logf("%d of %d says got through in %v", says, sent, elapsed)
	say(t, ctx, calm, "still here")
	expect(t, ctx, calm, chatEvent{Type: "say", Nick: "calm", Text: "still here", Seq: int64(3 + says + 1)})
}

// TestRateLimitEveryEndpoint: the limit holds on each endpoint, and a
// client that stays under it is never cut.
func TestRateLimitEveryEndpoint(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{RateLimit: 50, RateBurst: 5, TickInterval: time.Hour})
	ctx := testContext(t)

	for _, path := range []string{"/ws/echo", "/ws/chat", "/ws/ticks"} {
		// 10 messages a second, for half a second: well under the limit
		// however late the scheduler runs this loop.
		calm := dial(t, ctx, ts, path, nil)
		for range 5 {
			if err := calm.Write(ctx, websocket.MessageText, []byte(`{"type":"say","text":"hi"}`)); err != nil {
				t.Fatalf("%s: calm client: %v", path, err)
			}
			time.Sleep(100 * time.Millisecond)
		}

		flood := dial(t, ctx, ts, path, nil)
		for range 100 {
			if flood.Write(ctx, websocket.MessageText, []byte(`{"type":"say","text":"x"}`)) != nil {
				break
			}
		}
		wantClose(t, readUntilClose(t, ctx, flood), websocket.StatusPolicyViolation, "rate limit exceeded")
		ts.logs.wait(t, func(l map[string]any) bool {
			return isClose(path, 1008)(l) && l["reason"] == "rate limit exceeded"
		})
		if err := calm.Close(websocket.StatusNormalClosure, ""); err != nil {
			t.Errorf("%s: calm client: %v", path, err)
		}
		ts.logs.wait(t, isClose(path, 1000))
	}
	for _, l := range ts.logs.lines() {
		if l["msg"] == "ws close" && l["code"] != float64(1008) && l["code"] != float64(1000) {
			t.Errorf("unexpected close: %v", l)
		}
	}
}

// TestRateLimitOff: a negative RateLimit lets a client send as fast as
// it likes.
func TestRateLimitOff(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, &server.Options{RateLimit: -1})
	ctx := testContext(t)
	c := dial(t, ctx, ts, "/ws/echo", nil)
	const n = 1000
	go func() {
		for range n {
			if c.Write(ctx, websocket.MessageText, []byte("x")) != nil {
				return
			}
		}
	}()
	for i := range n {
		if _, _, err := c.Read(ctx); err != nil {
			t.Fatalf("echo %d: %v", i, err)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// TestReadLimitHandshake: a chat nick is checked before the upgrade, and
// the upgrade request is no way around the limits: an oversized query
// is refused like any other bad nick.
func TestReadLimitHandshake(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	if got := dialStatus(t, ctx, ts, "/ws/chat?nick="+strings.Repeat("n", 4000), nil); got != 400 {
		t.Errorf("HTTP %d, want 400", got)
	}
}

// TestInvalidUTF8: a text message that is not UTF-8 fails the connection
// with 1007 on every endpoint (RFC 6455, 8.1), where the echo used to
// send it back as it came and the ticks used to drop it.
func TestInvalidUTF8(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	ctx := testContext(t)
	for _, path := range []string{"/ws/echo", "/ws/chat", "/ws/ticks"} {
		c := dial(t, ctx, ts, path, nil)
		if err := c.Write(ctx, websocket.MessageText, []byte("\xff\xfe")); err != nil {
			t.Fatal(err)
		}
		ce := readUntilClose(t, ctx, c)
		wantClose(t, ce, websocket.StatusInvalidFramePayloadData, "invalid UTF-8")
		ts.logs.wait(t, isClose(path, 1007))
	}
}

// TestStaticBadPath: a path the file system cannot take is not found,
// where it used to be a 500 (found by FuzzHandshake).
func TestStaticBadPath(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	for _, p := range []string{"/ws%80", "/%ff%fe", "/style.css%00", "/a%5C..%5Cb"} {
		resp, err := http.Get(ts.http.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s, want 404", p, resp.Status)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}
