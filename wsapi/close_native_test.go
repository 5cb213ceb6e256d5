//go:build !js

package wsapi_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// These tests cover, natively, what the Chrome scenarios cannot: timing
// (a closing handshake that never ends, a handshake that must fail at
// once), races, and what goes over the wire besides frames.

// ending is how a socket ended: its error, if any, its close event, and how
// long after New.
type ending struct {
	err   error
	close wsapi.CloseEvent
	after time.Duration
}

func runUntilClosed(t *testing.T, url string, opts *wsapi.Options, onOpen func(*wsapi.WebSocket)) ending {
	t.Helper()
	start := time.Now()
	ws, err := wsapi.NewWithOptions(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var end ending
	ws.SetHandlers(wsapi.Handlers{
		Open: func() {
			if onOpen != nil {
				onOpen(ws)
			}
		},
		Error: func(err error) {
			mu.Lock()
			end.err = err
			mu.Unlock()
		},
	})
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no close after 10 s", url)
	}
	end.close, _ = ws.CloseEvent()
	end.after = time.Since(start)
	mu.Lock()
	defer mu.Unlock()
	return end
}

// TestCloseReasonOfServer checks that the close event carries the reason of
// the server's close frame when the client closed first while messages were
// still coming, whichever goroutine read the server's close frame.
func TestCloseReasonOfServer(t *testing.T) {
	e := scenarioEnv(t)
	for i := range 30 {
		ws, err := wsapi.New(fmt.Sprintf("%s/flood?reason=server&id=reason-c-%d", e.wsBase(), i))
		if err != nil {
			t.Fatal(err)
		}
		var count int
		ws.SetHandlers(wsapi.Handlers{Message: func(wsapi.MessageEvent) {
			if count++; count == 3 {
				ws.CloseWithStatus(1000, "client")
			}
		}})
		<-ws.Done()
		if ce, _ := ws.CloseEvent(); ce != (wsapi.CloseEvent{Code: 1000, Reason: "server", WasClean: true}) {
			t.Fatalf("run %d: close %+v, want the server's 1000 \"server\"", i, ce)
		}
	}
}

// TestCloseTimeout checks that a server that never answers the client's
// close frame, or never reads at all, cannot hold the socket: after
// CloseTimeout the connection is cut, and the close is 1006, not clean,
// with no error, as Chrome reports its own timeout.
func TestCloseTimeout(t *testing.T) {
	e := scenarioEnv(t)
	opts := &wsapi.Options{CloseTimeout: 300 * time.Millisecond}

	// Ids are fresh per run: the scenario server outlives -count's runs.
	id := fmt.Sprintf("ct-hold-%08x", rand.Uint32())
	end := runUntilClosed(t, e.wsBase()+"/hold?id="+id, opts, func(ws *wsapi.WebSocket) { ws.Close() })
	if end.err != nil || end.close != (wsapi.CloseEvent{Code: 1006}) || end.after < 300*time.Millisecond || end.after > 8*time.Second {
		t.Errorf("a server that never answers: %+v", end)
	}
	if got := observe(e, id); strings.Join(got, "|") != `request protocols="" extensions="permessage-deflate; client_max_window_bits"|close 1005 ""|eof` {
		t.Errorf("the server saw %q", got)
	}

	// 64 MiB that a server that does not read cannot take, then a close
	// frame behind them: Chrome would wait for the server forever. The
	// server gives up after 9 s by itself; a close well before that can
	// only be CloseTimeout's (0.3 s), even on a loaded machine.
	end = runUntilClosed(t, e.wsBase()+"/stall?ms=9000&id=ct-stall-"+id, opts, func(ws *wsapi.WebSocket) {
		ws.SendBinary(make([]byte, 64<<20))
		ws.Close()
	})
	if end.err != nil || end.close != (wsapi.CloseEvent{Code: 1006}) || end.after > 8*time.Second {
		t.Errorf("a server that never reads: %+v", end)
	}
}

// TestHandshakeFailsAtOnce checks that a response Chrome refuses fails the
// socket at once, without coder/websocket's 3 s read of the body.
func TestHandshakeFailsAtOnce(t *testing.T) {
	e := scenarioEnv(t)
	for _, tc := range []struct {
		path      string
		protocols []string
		want      string
	}{
		{"/pick?proto=c", []string{"a", "b"}, "'Sec-WebSocket-Protocol' header value 'c' in response does not match any of sent values"},
		{"/pick?proto=A", []string{"a"}, "'Sec-WebSocket-Protocol' header value 'A' in response does not match any of sent values"},
		{"/pick", []string{"a"}, "Sent non-empty 'Sec-WebSocket-Protocol' header but no response was received"},
		{"/pick?proto=a", nil, "Response must not include 'Sec-WebSocket-Protocol' header if not present in request: a"},
		{"/pick?accept=bad", nil, "Incorrect 'Sec-WebSocket-Accept' header value"},
		{"/pick?ext=x-foo", nil, "Found an unsupported extension 'x-foo' in 'Sec-WebSocket-Extensions' header"},
		{"/pick?ext=permessage-deflate%3B+client_max_window_bits", nil, "Error in permessage-deflate: client_max_window_bits must have value"},
		{"/pick?ext=permessage-deflate%3B+client_max_window_bits=16", nil, "Error in permessage-deflate: Received invalid client_max_window_bits parameter"},
		{"/redirect?to=/echo", nil, "Unexpected response code: 302"},
		{"/refuse?status=200", nil, "Unexpected response code: 200"},
	} {
		end := runUntilClosed(t, e.wsBase()+tc.path, &wsapi.Options{Protocols: tc.protocols}, nil)
		if !errors.Is(end.err, wsapi.ErrConnection) || !strings.Contains(end.err.Error(), tc.want) || end.close != (wsapi.CloseEvent{Code: 1006}) {
			t.Errorf("%s: %+v, want an error saying %q and close 1006", tc.path, end, tc.want)
		}
		if end.after > time.Second {
			t.Errorf("%s: failed after %v", tc.path, end.after)
		}
	}
}

// TestNoCredentialsSent checks that the credentials of a URL are not sent
// as an Authorization header, as Chrome does not send them, and that URL()
// keeps them, as ws.url does.
func TestNoCredentialsSent(t *testing.T) {
	got := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
		http.Error(w, "no", http.StatusForbidden)
	}))
	defer srv.Close()
	url := "ws://user:secret@" + strings.TrimPrefix(srv.URL, "http://") + "/"
	ws, err := wsapi.New(url)
	if err != nil {
		t.Fatal(err)
	}
	<-ws.Done()
	if ws.URL() != url {
		t.Errorf("URL() = %q, want %q", ws.URL(), url)
	}
	if g := <-got; g != "" {
		t.Errorf("the server saw Authorization %q, want none", g)
	}
	// An Authorization header set on purpose still goes.
	ws, err = wsapi.NewWithOptions(url, &wsapi.Options{Header: http.Header{"Authorization": {"Bearer x"}}})
	if err != nil {
		t.Fatal(err)
	}
	<-ws.Done()
	if g := <-got; g != "Bearer x" {
		t.Errorf("with Options.Header: the server saw Authorization %q", g)
	}
}

// TestExtensionsAsSent checks that Extensions() is the header as the server
// sent it, though coder/websocket is given another spelling.
func TestExtensionsAsSent(t *testing.T) {
	e := scenarioEnv(t)
	for _, ext := range []string{
		"permessage-deflate; client_max_window_bits=15",
		"permessage-deflate ; server_no_context_takeover",
		"permessage-deflate; server_max_window_bits=10; client_no_context_takeover",
	} {
		var got string
		end := runUntilClosed(t, e.wsBase()+"/pick?ext="+strings.NewReplacer(";", "%3B", " ", "+").Replace(ext), nil, func(ws *wsapi.WebSocket) {
			got = ws.Extensions()
			ws.SendText(strings.Repeat("compress me ", 100))
			ws.Close()
		})
		if got != ext || end.err != nil || end.close != (wsapi.CloseEvent{Code: 1005, WasClean: true}) {
			t.Errorf("%q: Extensions() = %q, %+v", ext, got, end)
		}
	}
}
