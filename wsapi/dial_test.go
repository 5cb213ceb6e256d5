package wsapi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// Like the scenarios, these run natively, in Node and in Chromium.

func TestDial(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, e.wsBase()+"/echo?id=dial", nil)
	if err != nil {
		t.Fatalf("Dial = %v", err)
	}
	if ws.ReadyState() != wsapi.Open {
		t.Errorf("ReadyState after Dial = %v, want OPEN", ws.ReadyState())
	}
	got := make(chan string, 1)
	ws.OnMessage(func(m wsapi.MessageEvent) { got <- m.Text() })
	if err := ws.SendText("hi"); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "hi" {
			t.Errorf("echo = %q", s)
		}
	case <-ctx.Done():
		t.Fatal("no echo")
	}
	ws.CloseWithStatus(wsapi.StatusNormalClosure, "bye")
	<-ws.Done()
	if ce, _ := ws.CloseEvent(); ce.Code != wsapi.StatusNormalClosure {
		t.Errorf("close = %v", ce)
	}
}

// TestDialFailure checks that Dial and WaitOpen return the error event's
// error, which names the cause, and a close status of 1006.
func TestDialFailure(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, url := range []string{e.dead, e.wsBase() + "/refuse?status=403&id=dial-refused"} {
		ws, err := wsapi.Dial(ctx, url, nil)
		if ws != nil || !errors.Is(err, wsapi.ErrConnection) || wsapi.CloseStatus(err) != wsapi.StatusAbnormalClosure {
			t.Errorf("Dial(%s) = %v, %v; want nil, an error wrapping ErrConnection with status 1006", url, ws, err)
		}
		if err != nil && !strings.Contains(err.Error(), strings.TrimSuffix(strings.SplitN(url, "?", 2)[0], "/")) {
			t.Errorf("Dial(%s) = %v: the error does not name the URL", url, err)
		}
		var onError error
		ws, err = wsapi.New(url)
		if err != nil {
			t.Fatal(err)
		}
		ws.OnError(func(err error) { onError = err })
		err = ws.WaitOpen(ctx)
		<-ws.Done()
		if !errors.Is(err, wsapi.ErrConnection) || wsapi.CloseStatus(err) != 1006 || onError == nil || !strings.HasPrefix(err.Error(), onError.Error()) {
			t.Errorf("WaitOpen(%s) = %v, want the error event's error (%v) with status 1006", url, err, onError)
		}
	}
}

// TestDialContext checks that Dial fails the attempt when its context
// ends first, and refuses a nil context.
func TestDialContext(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ws, err := wsapi.Dial(ctx, e.wsBase()+"/echo?id=dial-canceled", nil)
	if ws != nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "/echo") {
		t.Errorf("Dial with a canceled context = %v, %v; want nil and context.Canceled naming the URL", ws, err)
	}
	var nilCtx context.Context
	if _, err := wsapi.Dial(nilCtx, e.wsBase()+"/echo", nil); err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("Dial(nil context) = %v, want an error naming the nil context", err)
	}
	if _, err := wsapi.Dial(context.Background(), "http://[", nil); !errors.Is(err, wsapi.ErrSyntax) {
		t.Errorf("Dial(bad URL) = %v, want ErrSyntax", err)
	}
	ws = openEcho(t, e)
	if err := ws.WaitOpen(nilCtx); err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("WaitOpen(nil context) = %v, want an error naming the nil context", err)
	}
	if err := ws.WaitBufferedAmount(nilCtx, 0); err == nil || !strings.Contains(err.Error(), "nil context") {
		t.Errorf("WaitBufferedAmount(nil context) = %v, want an error naming the nil context", err)
	}
}

// TestWaitBufferedAmount sends 32 MiB to a server that reads nothing for
// 1.5 s: the wait cannot end before its short deadline, then ends once the
// server reads.
func TestWaitBufferedAmount(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, e.wsBase()+"/stall?ms=1500&answer=1&id=wait-buffered", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ws.Close()
		<-ws.Done()
	}()
	chunk := make([]byte, 1<<20)
	for range 32 {
		if err := ws.SendBinary(chunk); err != nil {
			t.Fatal(err)
		}
	}
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	if err := ws.WaitBufferedAmount(short, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitBufferedAmount while the server stalls = %v (buffered %d), want context.DeadlineExceeded", err, ws.BufferedAmount())
	}
	if err := ws.WaitBufferedAmount(ctx, 1<<20); err != nil {
		t.Fatalf("WaitBufferedAmount(1 MiB) = %v (buffered %d)", err, ws.BufferedAmount())
	}
	if n := ws.BufferedAmount(); n > 1<<20 {
		t.Errorf("BufferedAmount after the wait = %d, want at most 1 MiB", n)
	}
	if err := ws.WaitBufferedAmount(ctx, 0); err != nil || ws.BufferedAmount() != 0 {
		t.Errorf("WaitBufferedAmount(0) = %v, BufferedAmount %d; want nil, 0", err, ws.BufferedAmount())
	}
	// The waits ended as the amount fell, not with the socket: the
	// server ends it after 10 s, and a wait that missed its wake-up would
	// still return nil then.
	if ws.Err() != nil || ws.ReadyState() != wsapi.Open {
		t.Errorf("after the waits: %v, %v; want the socket still OPEN", ws.ReadyState(), ws.Err())
	}
}

// TestWaitBufferedAmountClosed: bytes sent after a close are counted and
// never written, so the wait ends with the close.
func TestWaitBufferedAmountClosed(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.Dial(context.Background(), e.wsBase()+"/echo?id=wait-buffered-closed", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.OnClose(func(wsapi.CloseEvent) {})
	ws.CloseWithStatus(wsapi.StatusNormalClosure, "")
	ws.SendText("after close")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = ws.WaitBufferedAmount(ctx, 0)
	if e.runtime == "node" && ws.BufferedAmount() == 0 {
		// undici counts nothing sent after close.
		if err != nil {
			t.Errorf("WaitBufferedAmount after close, nothing buffered = %v, want nil", err)
		}
		return
	}
	if wsapi.CloseStatus(err) != wsapi.StatusNormalClosure {
		t.Errorf("WaitBufferedAmount after close = %v (buffered %d), want a *CloseError with 1000", err, ws.BufferedAmount())
	}
}

func TestStatusNames(t *testing.T) {
	for code, want := range map[int]string{
		wsapi.StatusNormalClosure: "Normal Closure", wsapi.StatusGoingAway: "Going Away",
		wsapi.StatusNoStatusRcvd: "No Status Rcvd", wsapi.StatusAbnormalClosure: "Abnormal Closure",
		wsapi.StatusMessageTooBig: "Message Too Big", wsapi.StatusTLSHandshake: "TLS Handshake",
		wsapi.StatusTryAgainLater: "Try Again Later", wsapi.StatusTimeout: "Timeout",
		4000: "Private Use", 1016: "", 2999: "", 999: "", -1: "",
	} {
		if got := wsapi.StatusText(code); got != want {
			t.Errorf("StatusText(%d) = %q, want %q", code, got, want)
		}
	}
	for _, c := range []struct {
		e    wsapi.CloseEvent
		want string
	}{
		{wsapi.CloseEvent{Code: 1000, Reason: "bye", WasClean: true}, `1000 Normal Closure "bye" (clean)`},
		{wsapi.CloseEvent{Code: 1006}, `1006 Abnormal Closure "" (not clean)`},
		{wsapi.CloseEvent{Code: 3999, Reason: "x\""}, `3999 "x\"" (not clean)`},
	} {
		if got := c.e.String(); got != c.want {
			t.Errorf("%#v.String() = %s, want %s", c.e, got, c.want)
		}
	}
	// The names are untyped: they go where the API takes an int.
	var code int = wsapi.StatusPolicyViolation
	_ = code
}

// TestWaitBufferedAmountInHandler: a handler that waits for what it sent
// to drain sees it drain, as a Go handler in the browser that blocks lets
// the browser's tasks run; and BufferedAmount read after the wait, in the
// same handler, agrees with the wait.
func TestWaitBufferedAmountInHandler(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.Dial(context.Background(), e.wsBase()+"/echo?id=wait-buffered-handler", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan string, 1)
	ws.OnMessage(func(m wsapi.MessageEvent) {
		if m.Type != wsapi.Text {
			return // the echo of the big message
		}
		if err := ws.SendBinary(make([]byte, 2<<20)); err != nil {
			got <- err.Error()
			return
		}
		err := ws.WaitBufferedAmount(ctx, 0)
		got <- fmt.Sprintf("%v %d", err, ws.BufferedAmount())
	})
	if err := ws.SendText("go"); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "<nil> 0" {
			t.Errorf("in a handler, WaitBufferedAmount(0) then BufferedAmount = %s, want <nil> 0", s)
		}
	case <-ctx.Done():
		t.Fatal("no answer from the handler")
	}
	ws.Close()
	<-ws.Done()
}
