package wsapi_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// These tests cover what the scenario traces cannot show: Go-side API
// details. Like the scenarios, they run natively, in Node and in Chromium.

func TestSendRejectsOtherTypes(t *testing.T) {
	e := scenarioEnv(t)
	ws := openEcho(t, e)
	for _, v := range []any{42, nil, []string{"x"}, wsapi.MessageEvent{}} {
		err := ws.Send(v)
		if err == nil {
			t.Errorf("Send(%#v) = nil, want an error", v)
			continue
		}
		if v != nil && !strings.Contains(err.Error(), strings.SplitN(typeName(v), ".", 2)[0]) {
			t.Errorf("Send(%#v) = %q: the error does not name the type", v, err)
		}
	}
	if got := ws.BufferedAmount(); got != 0 {
		t.Errorf("BufferedAmount after refused sends = %d, want 0", got)
	}
}

func typeName(v any) string {
	switch v.(type) {
	case int:
		return "int"
	case []string:
		return "[]string"
	}
	return "wsapi.MessageEvent"
}

func TestSendTextNotUTF8(t *testing.T) {
	e := scenarioEnv(t)
	ws := openEcho(t, e)
	err := ws.SendText("bad \xff")
	if !errors.Is(err, wsapi.ErrSyntax) || !strings.Contains(err.Error(), `\xff`) {
		t.Errorf("SendText(invalid UTF-8) = %v, want ErrSyntax naming the text", err)
	}
}

// TestSendBinaryCopies checks that the caller may reuse its buffer at once.
func TestSendBinaryCopies(t *testing.T) {
	e := scenarioEnv(t)
	ws := openEcho(t, e)
	got := make(chan []byte, 1)
	ws.OnMessage(func(m wsapi.MessageEvent) { got <- m.Data })
	buf := []byte("first")
	if err := ws.SendBinary(buf); err != nil {
		t.Fatal(err)
	}
	copy(buf, "XXXXX")
	select {
	case b := <-got:
		if string(b) != "first" {
			t.Errorf("echo = %q, want %q", b, "first")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no echo")
	}
}

func TestWaitOpen(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	ws, err := wsapi.New(e.wsBase() + "/echo?id=waitopen")
	if err != nil {
		t.Fatal(err)
	}
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatalf("WaitOpen = %v", err)
	}
	if ws.ReadyState() != wsapi.Open {
		t.Errorf("ReadyState after WaitOpen = %v", ws.ReadyState())
	}
	ws.Close()
	<-ws.Done()
	ce, ok := ws.CloseEvent()
	if !ok || ce.Code != 1005 || !ce.WasClean {
		t.Errorf("CloseEvent = %+v, %t; want 1005, clean", ce, ok)
	}

	refused, err := wsapi.New(e.wsBase() + "/refuse?status=403&id=waitopen-refused")
	if err != nil {
		t.Fatal(err)
	}
	err = refused.WaitOpen(ctx)
	if wsapi.CloseStatus(err) != 1006 {
		t.Errorf("WaitOpen on a refused socket = %v, want a *CloseError with 1006", err)
	}

	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	slow, err := wsapi.New(e.wsBase() + "/echo?id=waitopen-canceled")
	if err != nil {
		t.Fatal(err)
	}
	if err := slow.WaitOpen(short); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitOpen with a canceled context = %v, want context.Canceled", err)
	}
	slow.Close()
	<-slow.Done()
}

// TestHandlerPanic checks that a panicking handler does not end the socket:
// the events after it are still delivered.
func TestHandlerPanic(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=2&code=1000&reason=done&id=panic")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []string
	ws.OnMessage(func(m wsapi.MessageEvent) {
		mu.Lock()
		got = append(got, m.Text())
		mu.Unlock()
		panic("handler panic, on purpose: the test checks that dispatch goes on")
	})
	ws.OnClose(func(ce wsapi.CloseEvent) {
		mu.Lock()
		got = append(got, "close")
		mu.Unlock()
	})
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("no close after a panicking handler")
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, ",") != "push 1,push 2,close" {
		t.Errorf("events = %v, want both messages and close", got)
	}
}

// TestHandlerReplacedFromHandler checks that a handler may set handlers and
// that nil removes one.
func TestHandlerReplacedFromHandler(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/push?n=3&code=1000&reason=done&id=replace")
	if err != nil {
		t.Fatal(err)
	}
	var first, second int
	ws.OnMessage(func(wsapi.MessageEvent) {
		first++
		ws.OnMessage(func(wsapi.MessageEvent) {
			second++
			ws.OnMessage(nil)
		})
	})
	<-ws.Done()
	if first != 1 || second != 1 {
		t.Errorf("first handler ran %d times, second %d; want 1 and 1, and none after nil", first, second)
	}
}

func TestURLSerialization(t *testing.T) {
	e := scenarioEnv(t)
	host := strings.TrimPrefix(e.server, "http://")
	ws, err := wsapi.New("HTTP://" + strings.ToUpper(host) + "?id=url")
	if err != nil {
		t.Fatal(err)
	}
	if want := "ws://" + host + "/?id=url"; ws.URL() != want {
		t.Errorf("URL() = %q, want %q", ws.URL(), want)
	}
	ws.Close()
	<-ws.Done()
}

func TestCloseWithStatusErrors(t *testing.T) {
	e := scenarioEnv(t)
	ws := openEcho(t, e)
	for _, c := range []struct {
		code   int
		reason string
		want   error
	}{
		{999, "", wsapi.ErrInvalidAccess},
		{5000, strings.Repeat("x", 200), wsapi.ErrInvalidAccess}, // the code is checked first
		{1000, strings.Repeat("x", 124), wsapi.ErrSyntax},
		{4000, "é" + strings.Repeat("x", 122), wsapi.ErrSyntax}, // 124 bytes
	} {
		if err := ws.CloseWithStatus(c.code, c.reason); !errors.Is(err, c.want) {
			t.Errorf("CloseWithStatus(%d, %d bytes) = %v, want %v", c.code, len(c.reason), err, c.want)
		}
	}
	if ws.ReadyState() != wsapi.Open {
		t.Errorf("a failed close changed the state to %v", ws.ReadyState())
	}
}

// openEcho opens a socket on /echo and closes it when the test ends.
func openEcho(t *testing.T, e env) *wsapi.WebSocket {
	return openEchoID(t, e, t.Name())
}

// openEchoID is openEcho with the connection id that observe asks for.
func openEchoID(t *testing.T, e env, id string) *wsapi.WebSocket {
	t.Helper()
	ws, err := wsapi.New(e.wsBase() + "/echo?id=" + id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ws.Close()
		<-ws.Done()
	})
	return ws
}

// TestTextKeepsBOM: a text message or close reason that starts with
// U+FEFF keeps it, as the browser's send and close do. (syscall/js makes
// its strings with a TextDecoder that takes a leading U+FEFF for a byte
// order mark and drops it.)
func TestTextKeepsBOM(t *testing.T) {
	e := scenarioEnv(t)
	// Ids are fresh per run and runtime: the children share the server.
	id := fmt.Sprintf("bom-%s-%08x", e.runtime, rand.Uint32())
	ws := openEchoID(t, e, id)
	small, large, reason := "\uFEFFhi", "\uFEFF"+strings.Repeat("x", 20<<10), "\uFEFFbye"
	for _, s := range []string{small, large} {
		if err := ws.SendText(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := ws.CloseWithStatus(1000, reason); err != nil {
		t.Fatal(err)
	}
	<-ws.Done()
	var got []string
	for _, l := range observe(e, id) {
		if strings.HasPrefix(l, "recv ") || strings.HasPrefix(l, "close ") {
			got = append(got, l)
		}
	}
	want := []string{
		fmt.Sprintf("recv text %d", len(small)),
		fmt.Sprintf("recv text %d", len(large)),
		fmt.Sprintf("close 1000 %q", reason),
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("the server saw %q, want %q", got, want)
	}
}
