package e2e

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// The page's client logic is package client; these tests run it natively,
// on wsapi's native backend, against the same server, through the same
// echo and chat tests as the page. They need no browser.

// startNativeServer starts the server for a native test, which needs no
// page program: a placeholder stands for it.
func startNativeServer(t *testing.T) (base string) {
	t.Helper()
	wasm := filepath.Join(t.TempDir(), "main.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm\x01\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, &server.Options{WasmPath: wasm})
	base, err := client.BaseURL(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

func TestNativeEcho(t *testing.T) {
	ctx := testContext(t)
	echo, err := client.DialEcho(startNativeServer(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeAndWait(t, echo.Close, echo.Socket()) })
	wait(t, ctx, echo.Wait, "open", func(s client.EchoState) bool { return s.Opened })

	if err := echo.SendText(echoText); err != nil {
		t.Fatal(err)
	}
	if err := echo.SendBinary([]byte(echoBinary)); err != nil {
		t.Fatal(err)
	}
	st := wait(t, ctx, echo.Wait, "2 echoes", func(s client.EchoState) bool { return s.Received == 2 })
	var got []string
	for _, m := range st.Echoes {
		got = append(got, m.String())
	}
	if !slices.Equal(got, echoWant) {
		t.Errorf("echoes are %q, want %q", got, echoWant)
	}

	if err := echo.Close(); err != nil {
		t.Fatal(err)
	}
	st = wait(t, ctx, echo.Wait, "close", func(s client.EchoState) bool { return s.Closed })
	if !st.Local || st.Close.Code != client.CloseCode || !st.Close.WasClean {
		t.Errorf("close is %+v (local %v), want a clean %d from this side", st.Close, st.Local, client.CloseCode)
	}
}

func TestNativeChat(t *testing.T) {
	ctx := testContext(t)
	base := startNativeServer(t)
	dial := func(nick string) *client.Chat {
		c, err := client.DialChat(base, &client.ChatOptions{Nick: nick})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { closeAndWait(t, c.Close, c.Socket()) })
		wait(t, ctx, c.Wait, nick+" joined", func(s client.ChatState) bool { return hasEvent(s, nick+" joined") })
		return c
	}
	alice := dial("alice")
	bob := dial("bob")
	wait(t, ctx, alice.Wait, "bob joined", func(s client.ChatState) bool { return hasEvent(s, "bob joined") })

	for i := range chatRounds {
		for _, c := range []struct {
			nick string
			*client.Chat
		}{{"alice", alice}, {"bob", bob}} {
			if err := c.Say(chatLine(c.nick, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := func(s client.ChatState) bool {
		for _, who := range []string{"alice", "bob"} {
			for i := range chatRounds {
				if !hasEvent(s, who+": "+chatLine(who, i)) {
					return false
				}
			}
		}
		return s.Pending == 0
	}
	a := wait(t, ctx, alice.Wait, "every line", all)
	b := wait(t, ctx, bob.Wait, "every line", all)
	checkChat(t, nativeItems(a), nativeItems(b))
	for _, s := range []client.ChatState{a, b} {
		if s.Missed != 0 || s.Invalid != 0 {
			t.Errorf("%s: %d events missed, %d invalid", s.Nick, s.Missed, s.Invalid)
		}
	}

	if err := bob.Close(); err != nil {
		t.Fatal(err)
	}
	a = wait(t, ctx, alice.Wait, "bob left", func(s client.ChatState) bool { return hasEvent(s, "bob left") })
	checkLeave(t, nativeItems(b), nativeItems(a))
}

// closeAndWait closes a client and waits until its socket is done, so no
// goroutine of it outlives the test.
func closeAndWait(t *testing.T, close func() error, ws interface {
	Done() <-chan struct{}
	URL() string
}) {
	close()
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		t.Errorf("the socket to %s did not close", ws.URL())
	}
}

func hasEvent(s client.ChatState, text string) bool {
	return slices.ContainsFunc(s.Events, func(e client.ChatEvent) bool { return e.String() == text })
}

// nativeItems turns a client's events into what the page lists.
func nativeItems(s client.ChatState) []chatItem {
	var items []chatItem
	for _, e := range s.Events {
		items = append(items, chatItem{Seq: int(e.Seq), Type: string(e.Type), Text: e.String()})
	}
	return items
}

// wait calls a client's Wait and fails the test if the state never comes.
func wait[S any](t *testing.T, ctx context.Context, w func(context.Context, func(S) bool) (S, error), what string, cond func(S) bool) S {
	t.Helper()
	s, err := w(ctx, cond)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("waiting for %s: %v\nstate: %+v", what, err, s)
		}
		t.Fatalf("waiting for %s: %v", what, err)
	}
	return s
}
