//go:build !js

package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// scripted starts a server whose every WebSocket endpoint sends frames, in
// order, as text messages, then reads until the client goes; code, if not
// 0, closes the connection with that status after the frames instead.
func scripted(t *testing.T, code websocket.StatusCode, frames ...string) string {
	t.Helper()
	return fake(t, func(ctx context.Context, c *websocket.Conn) {
		if !writeAll(ctx, c, frames...) {
			return
		}
		if code != 0 {
			c.Close(code, "scripted")
			return
		}
		drain(ctx, c)
	})
}

// fake starts a server that plays each WebSocket with play, under a 10 s
// bound, and returns its base URL; the test's end closes it and waits for
// its connections.
func fake(t *testing.T, play func(ctx context.Context, c *websocket.Conn)) string {
	t.Helper()
	var wg sync.WaitGroup
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wg.Add(1)
		defer wg.Done()
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
		defer cancel()
		play(ctx, c)
	}))
	t.Cleanup(func() {
		srv.Close()
		wg.Wait()
	})
	base, err := client.BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// writeAll sends frames as text messages and says whether all went.
func writeAll(ctx context.Context, c *websocket.Conn, frames ...string) bool {
	for _, f := range frames {
		if err := c.Write(ctx, websocket.MessageText, []byte(f)); err != nil {
			return false
		}
	}
	return true
}

// drain reads until the client goes.
func drain(ctx context.Context, c *websocket.Conn) {
	for {
		if _, _, err := c.Read(ctx); err != nil {
			return
		}
	}
}
