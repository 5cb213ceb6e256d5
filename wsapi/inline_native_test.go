//go:build !js

package wsapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// inlineServer serves one connection with play, and returns the URL to
// dial. The connection is cut when play returns or the test ends.
func inlineServer(t *testing.T, play func(ctx context.Context, c *websocket.Conn)) string {
	t.Helper()
	var wg sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		wg.Add(1)
		defer wg.Done()
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		play(ctx, c)
	}))
	t.Cleanup(func() { srv.Close(); wg.Wait() })
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// onReader says whether the calling handler runs on the goroutine that
// reads the connection, delivering the message it read: not on a
// dispatcher, nor on a former reader that delivers, as a dispatcher, what
// came while its handler held it.
func onReader() bool {
	buf := make([]byte, 64<<10)
	stack := string(buf[:runtime.Stack(buf, false)])
	return strings.Contains(stack, "(*nativeTransport).readLoop(") && !strings.Contains(stack, "(*WebSocket).dispatch(")
}

// openSocket dials url with handlers h and waits for open.
func openSocket(t *testing.T, url string, h Handlers) *WebSocket {
	t.Helper()
	ws, err := New(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ws.Close()
		select {
		case <-ws.Done():
		case <-time.After(10 * time.Second):
			t.Error("the socket did not close")
		}
	})
	ws.SetHandlers(h)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	return ws
}

// echoPlay echoes every message.
func echoPlay(ctx context.Context, c *websocket.Conn) {
	for {
		typ, b, err := c.Read(ctx)
		if err != nil || c.Write(ctx, typ, b) != nil {
			return
		}
	}
}

// TestHandlerRunsOnReader: with nothing else to deliver, a message's
// handler runs on the goroutine that read it, with no hand-off to another
// (issue 15: the hand-off was most of a round trip).
func TestHandlerRunsOnReader(t *testing.T) {
	url := inlineServer(t, echoPlay)
	got := make(chan bool, 1)
	ws := openSocket(t, url, Handlers{Message: func(MessageEvent) { got <- onReader() }})
	for i := range 5 {
		ws.SendText("m")
		select {
		case inline := <-got:
			// The first may find open's dispatcher still there.
			if !inline && i > 0 {
				t.Fatalf("message %d: the handler ran on another goroutine than the reader", i)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no echo")
		}
	}
}

// TestBlockedHandlerDoesNotStopReading: a handler on the reader that blocks
// until the server's ping is answered (which needs the connection read)
// does not wait for ever: reading goes to another goroutine, the pong goes
// out, and the messages that came meanwhile are delivered after the
// handler, in order; once they are, handlers run on the reader again. The
// server then sends five messages more, each once the one before was
// handled: the former reader has returned by then, unless the machine is
// very slow, so at least one of them must run on the reader.
func TestBlockedHandlerDoesNotStopReading(t *testing.T) {
	const more = 5
	ponged := make(chan error, 1)
	next := make(chan struct{}, 1)
	url := inlineServer(t, func(ctx context.Context, c *websocket.Conn) {
		c.Write(ctx, websocket.MessageText, []byte("a"))
		closed := make(chan struct{})
		go func() {
			// coder reads pongs only while something reads; this
			// also sees the client's close.
			c.Read(ctx)
			close(closed)
		}()
		ponged <- c.Ping(ctx)
		for _, m := range []string{"b", "c", "d"} {
			c.Write(ctx, websocket.MessageText, []byte(m))
		}
		for range more {
			select {
			case <-next:
			case <-ctx.Done():
			}
			c.Write(ctx, websocket.MessageText, []byte("e"))
		}
		<-closed
	})
	var mu sync.Mutex
	var got []string
	var pingErr error
	done := make(chan bool, 1) // whether an e ran on the reader
	inline := false
	openSocket(t, url, Handlers{Message: func(m MessageEvent) {
		mu.Lock()
		got = append(got, m.Text())
		n := len(got)
		mu.Unlock()
		switch m.Text() {
		case "a":
			select {
			case pingErr = <-ponged:
			case <-time.After(5 * time.Second):
				pingErr = context.DeadlineExceeded
			}
		case "d":
			next <- struct{}{}
		case "e":
			inline = inline || onReader()
			if n == 4+more {
				done <- inline
			} else {
				next <- struct{}{}
			}
		}
	}})
	select {
	case ok := <-done:
		if pingErr != nil {
			t.Errorf("the server's ping, while the handler blocked: %v", pingErr)
		}
		mu.Lock()
		if s, want := strings.Join(got, ""), "abcd"+strings.Repeat("e", more); s != want {
			t.Errorf("messages %q, want %q", s, want)
		}
		mu.Unlock()
		if !ok {
			t.Errorf("after the hand-off, none of %d messages ran on the goroutine that read it", more)
		}
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("messages %q, then nothing", strings.Join(got, ""))
	}
}

// TestGoexitOnReader: a handler running on the reader that ends its
// goroutine (t.FailNow in a handler) does not end reading: the messages
// after it and the close come.
func TestGoexitOnReader(t *testing.T) {
	url := inlineServer(t, echoPlay)
	var mu sync.Mutex
	var got []string
	var firstInline bool
	closed := make(chan struct{})
	ws := openSocket(t, url, Handlers{
		Message: func(m MessageEvent) {
			mu.Lock()
			got = append(got, m.Text())
			mu.Unlock()
			if m.Text() == "1" {
				firstInline = onReader()
				runtime.Goexit()
			}
		},
		Close: func(CloseEvent) { close(closed) },
	})
	// Let open's dispatcher return first, so that 1 runs on the reader.
	time.Sleep(50 * time.Millisecond)
	ws.SendText("1")
	ws.SendText("2")
	ws.SendText("3")
	deadline := time.After(10 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n == 3 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("messages %q, then nothing", got)
		case <-time.After(time.Millisecond):
		}
	}
	ws.Close()
	select {
	case <-closed:
	case <-deadline:
		t.Fatal("no close event")
	}
	if s := strings.Join(got, ""); s != "123" || !firstInline {
		t.Errorf("messages %q (want 123), 1 on the reader: %v", s, firstInline)
	}
}

// TestHandOffTimerStopsWhenIdle: the hand-off timer ticks while handlers
// run on the reader, and stops once they no longer do, so that an idle
// socket costs no timer.
func TestHandOffTimerStopsWhenIdle(t *testing.T) {
	url := inlineServer(t, echoPlay)
	got := make(chan struct{}, 1)
	ws := openSocket(t, url, Handlers{Message: func(MessageEvent) { got <- struct{}{} }})
	tr := ws.tr.(*nativeTransport)
	for range 3 {
		ws.SendText("m")
		<-got
	}
	deadline := time.Now().Add(10 * time.Second)
	for tr.timerArmed.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the hand-off timer still ticks on an idle socket")
		}
		time.Sleep(time.Millisecond)
	}
	if tr.handOffTimer.Load() == nil {
		t.Error("the hand-off timer was never armed: no handler ran on the reader")
	}
}
