//go:build !js

package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/internal/leakcheck"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

// These tests play scripted servers; those against the real companion
// server live in the server module (server/clienttest), which this module
// never imports.

func TestMain(m *testing.M) {
	base := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		code = leakcheck.Check("client tests", base)
	}
	os.Exit(code)
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
	rec := &clienttest.Recorder{Name: "chat"}
	var mu sync.Mutex
	var missed, events []string
	c, err := client.DialChat(base, &client.ChatOptions{
		Hooks: rec.Hooks(),
		Nick:  "alice",
		OnMissed: func(n int) {
			mu.Lock()
			defer mu.Unlock()
			missed = append(missed, fmt.Sprint(n))
			events = append(events, fmt.Sprintf("missed %d", n))
		},
		OnEvent: func(e client.ChatEvent) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, fmt.Sprintf("%d %s", e.Seq, e))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, c)
	st, err := c.Wait(clienttest.Context(t), func(s client.ChatState) bool { return s.LastSeq == 10 })
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
	for _, l := range rec.Lines() {
		if strings.HasPrefix(l, "chat invalid: ") {
			invalid++
		}
	}
	if invalid != 4 {
		t.Errorf("Invalid hook called %d times, want 4:\n%s", invalid, strings.Join(rec.Lines(), "\n"))
	}
}

func TestTicksGap(t *testing.T) {
	q := func(seq int) string {
		return fmt.Sprintf(`{"type":"quote","seq":%d,"time":"2026-01-02T03:04:05.678Z","symbol":"GOPHER","price":1.5}`, seq)
	}
	base := scripted(t, 0, `{"type":"welcome","epoch":"e1","seq":1}`, q(1), q(2), q(2), q(5), `{"type":"quote"}`, q(6))
	tk, err := client.DialTicks(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, tk)
	st, err := tk.Wait(clienttest.Context(t), func(s client.TicksState) bool { return s.Last.Seq == 6 })
	if err != nil {
		t.Fatal(err)
	}
	if st.Count != 4 || st.Missed != 2 || st.Invalid != 2 || st.Last.String() != "GOPHER 1.50" || st.Epoch != "e1" {
		t.Errorf("state %+v", st)
	}
}

// TestServerCloses: a close the user did not start is not local, and ends
// a Wait with the close, once the socket will not reconnect.
func TestServerCloses(t *testing.T) {
	base := scripted(t, websocket.StatusGoingAway)
	rec := &clienttest.Recorder{Name: "ticks"}
	tk, err := client.DialTicks(base, &client.TicksOptions{Hooks: rec.Hooks(), Reconnect: clienttest.Once})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, tk)
	_, err = tk.Wait(clienttest.Context(t), func(s client.TicksState) bool { return s.Count > 0 })
	if wsapi.CloseStatus(err) != 1001 {
		t.Errorf("Wait: %v, want close 1001", err)
	}
	want := []string{"ticks open", "ticks close 1001 scripted wasClean=true local=false"}
	if got := rec.Lines(); !slices.Equal(got, want) {
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
	rec := &clienttest.Recorder{Name: "echo"}
	e, err := client.DialEcho("ws://"+addr, &client.EchoOptions{Hooks: rec.Hooks(), Reconnect: clienttest.Once})
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, e)
	_, err = e.Wait(clienttest.Context(t), func(s client.EchoState) bool { return s.Opened })
	if wsapi.CloseStatus(err) != 1006 {
		t.Errorf("Wait: %v, want close 1006", err)
	}
	want := []string{"echo error", "echo close 1006 wasClean=false local=false"}
	if got := rec.Lines(); !slices.Equal(got, want) {
		t.Errorf("log %q, want %q", got, want)
	}
	if st := e.State(); st.Err == nil || !errors.Is(st.Err, wsapi.ErrConnection) {
		t.Errorf("state's error: %v", st.Err)
	}
}

// TestWaitContext: Wait gives up with the context.
func TestWaitContext(t *testing.T) {
	base := scripted(t, 0)
	e, err := client.DialEcho(base, nil)
	if err != nil {
		t.Fatal(err)
	}
	clienttest.CloseAtEnd(t, e)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := e.Wait(ctx, func(s client.EchoState) bool { return s.Received > 0 }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait: %v, want DeadlineExceeded", err)
	}
}
