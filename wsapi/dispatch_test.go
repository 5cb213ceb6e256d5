package wsapi_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// These tests pin the dispatcher's rules where the network is quicker than
// the code that sets the handlers; they run on all three runtimes.

// textHandlers log each event of a socket in l: a message as its text,
// a close as its reason.
func textHandlers(l *eventLog) wsapi.Handlers {
	return wsapi.Handlers{
		Open:    func() { l.add("open") },
		Message: func(m wsapi.MessageEvent) { l.add(m.Text()) },
		Error:   func(error) { l.add("error") },
		Close:   func(e wsapi.CloseEvent) { l.add("close " + e.Reason) },
	}
}

func waitDone(t *testing.T, ws *wsapi.WebSocket) {
	t.Helper()
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the socket did not close")
	}
}

// TestSetHandlersAfterEverything: all five events happened before any
// handler was set; SetHandlers gets every one.
func TestSetHandlersAfterEverything(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=3&code=1000&reason=done&id=sethandlers")
	if err != nil {
		t.Fatal(err)
	}
	if err := wsapi.WaitQueued(ws, 5); err != nil {
		t.Fatal(err)
	}
	var c eventLog
	ws.SetHandlers(textHandlers(&c))
	waitDone(t, ws)
	if got, want := c.String(), "open, push 1, push 2, push 3, close done"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
}

// TestCloseAfterOpenQueued: the network opened the socket (and more) before
// the user, who still sees CONNECTING, calls Close: as in the browser, the
// result is error and close 1006, never open.
func TestCloseAfterOpenQueued(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=3&code=1000&reason=done&id=closequeued")
	if err != nil {
		t.Fatal(err)
	}
	if err := wsapi.WaitQueued(ws, 5); err != nil {
		t.Fatal(err)
	}
	ws.Close()
	var c eventLog
	ws.SetHandlers(textHandlers(&c))
	waitDone(t, ws)
	if got, want := c.String(), "error, close "; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
	if ce, _ := ws.CloseEvent(); ce.Code != 1006 || ce.WasClean {
		t.Errorf("close event %+v, want 1006 unclean", ce)
	}
	if err := ws.WaitOpen(context.Background()); wsapi.CloseStatus(err) != 1006 {
		t.Errorf("WaitOpen = %v, want the 1006 close", err)
	}
}

// TestWaitOpenThenOnMessage: the blocking style, where the handler is set
// only after WaitOpen returns, while the server pushes right after open.
func TestWaitOpenThenOnMessage(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=3&code=1000&reason=done&id=waitopen-then")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	var c eventLog
	ws.OnMessage(func(m wsapi.MessageEvent) { c.add(m.Text()) })
	waitDone(t, ws)
	if got, want := c.String(), "push 1, push 2, push 3"; got != want {
		t.Errorf("messages %q, want %q", got, want)
	}
}

// TestGoexitInHandler: a handler that ends its goroutine, as t.FailNow does,
// does not stop the events after it.
func TestGoexitInHandler(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=3&code=1000&reason=done&id=goexit")
	if err != nil {
		t.Fatal(err)
	}
	var c eventLog
	h := textHandlers(&c)
	h.Message = func(m wsapi.MessageEvent) {
		c.add(m.Text())
		if m.Text() == "push 1" {
			runtime.Goexit()
		}
	}
	h.Close = func(e wsapi.CloseEvent) {
		c.add("close " + e.Reason)
		runtime.Goexit()
	}
	ws.SetHandlers(h)
	waitDone(t, ws)
	if got, want := c.String(), "open, push 1, push 2, push 3, close done"; got != want {
		t.Errorf("events %q, want %q", got, want)
	}
}
