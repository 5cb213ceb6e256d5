//go:build !js

package scenario

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/wsapitest"
)

func TestObserveUnknown(t *testing.T) {
	ws := testServer(t, nil)
	checkLines(t, observe(t, ws, "nobody"))
}

func TestObserveWaits(t *testing.T) {
	s := New(nil)
	ws := testServer(t, s)
	c := dial(t, ws+"/echo?id=w", nil)
	got := make(chan []string, 1)
	go func() { got <- observe(t, ws, "w") }()
	select {
	case lines := <-got:
		t.Fatalf("observe returned %q while the connection is open", lines)
	case <-time.After(200 * time.Millisecond):
	}
	if err := c.Close(websocket.StatusGoingAway, "later"); err != nil {
		t.Fatal(err)
	}
	checkLines(t, <-got, `request protocols="" extensions=""`, `close 1001 "later"`)
	checkLines(t, s.Observations("w"), `request protocols="" extensions=""`, `close 1001 "later"`)
	if got := s.Observations("nobody"); got != nil {
		t.Errorf("Observations of an unknown id: %q", got)
	}
}

func TestObserveTimeout(t *testing.T) {
	s := New(nil)
	s.observeWait = 100 * time.Millisecond
	ws := testServer(t, s)
	dial(t, ws+"/echo?id=slow", nil)
	checkLines(t, observe(t, ws, "slow"), `request protocols="" extensions=""`)
}

func TestLifetime(t *testing.T) {
	s := New(nil)
	s.life = 200 * time.Millisecond
	ws := testServer(t, s)
	for _, path := range []string{"/echo", "/pick"} {
		c := dial(t, ws+path+"?id=life"+path, nil)
		start := time.Now()
		_, _, err := c.Read(testContext(t))
		if err == nil || websocket.CloseStatus(err) != -1 {
			t.Fatalf("%s: read: %v, want the connection to end", path, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: ended after %v", path, d)
		}
		checkLines(t, observe(t, ws, "life"+path), `request protocols="" extensions=""`, "gone")
	}
}

func TestFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"page.html":   {Data: []byte("<p>hi</p>")},
		"js/run.js":   {Data: []byte("run()")},
		"scenes.json": {Data: []byte("{}")},
	}
	ws := testServer(t, New(&Options{Files: fsys}))
	base := "http" + strings.TrimPrefix(ws, "ws")
	for _, tc := range []struct{ path, body, ctype string }{
		{"/files/page.html", "<p>hi</p>", "text/html"},
		{"/files/js/run.js", "run()", "text/javascript"},
		{"/files/scenes.json", "{}", "application/json"},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != tc.body || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %q %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.path, cc)
		}
	}
	for _, p := range []string{"/files/missing", "/nothing"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}

	// Without Files, /files/ is not found.
	rec := httptest.NewRecorder()
	New(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/files/page.html", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("no Files: status %d", rec.Code)
	}
}

func TestClosedServer(t *testing.T) {
	s := New(nil)
	s.Close()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/refuse?id=x", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d after Close", rec.Code)
	}
}

func TestDeadURL(t *testing.T) {
	u, err := DeadURL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "ws://127.0.0.1:") || !strings.HasSuffix(u, "/") {
		t.Fatalf("DeadURL %q", u)
	}
	_, _, err = websocket.Dial(testContext(t), u, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", u, err)
	}
}

// TestStopLeaks checks that stop ends every connection at once, whatever
// state its handler is in, and leaves no goroutine behind.
func TestStopLeaks(t *testing.T) {
	before := runtime.NumGoroutine()

	s := New(&Options{Files: fstest.MapFS{"f": {Data: []byte("f")}}})
	base, stop, err := start(s)
	if err != nil {
		t.Fatal(err)
	}
	ws := wsapitest.WebSocketURL(base)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var clients []*websocket.Conn
	for _, path := range []string{
		"/echo?id=l1",  // reading
		"/pick?id=l2",  // raw, reading
		"/close?id=l3", // raw, waiting for a close reply that never comes
		"/push?id=l4&n=2",
	} {
		c, _, err := websocket.Dial(ctx, ws+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// Waiting for l1's handler.
	obs, _, err := websocket.Dial(ctx, ws+"/observe?id=l1", nil)
	if err != nil {
		t.Fatal(err)
	}
	clients = append(clients, obs)
	hc := &http.Client{Transport: &http.Transport{}}
	resp, err := hc.Get(base + "/files/f")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // the keep-alive connection stays open

	// Let the handlers reach their waits.
	time.Sleep(50 * time.Millisecond)
	t0 := time.Now()
	stop()
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
	stop() // a second stop is harmless

	for _, c := range clients {
		c.CloseNow()
	}
	hc.CloseIdleConnections()

	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines before, %d after stop:\n%s", before, runtime.NumGoroutine(), buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
	checkLines(t, s.Observations("l1"), `request protocols="" extensions=""`, "gone")
}
