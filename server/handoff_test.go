//go:build !js

package server_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

// TestHandlerReturnsAfterUpgrade: the HTTP handler of a WebSocket returns
// once the connection is accepted, and the connection lives on. net/http
// then frees what it holds per connection, and the connection's life is
// not spent on the handler's stack, grown by the handshake: with the
// handler kept, an idle connection cost 1.39× a bare coder/websocket
// server's memory (issue 15).
func TestHandlerReturnsAfterUpgrade(t *testing.T) {
	checkGoroutines(t)
	var o server.Options
	testFiles(t, &o)
	srv, err := server.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	returned := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		if strings.HasPrefix(r.URL.Path, "/ws/") {
			returned <- struct{}{}
		}
	}))
	defer ts.Close()
	defer srv.Shutdown(t.Context())

	ctx := testContext(t)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/echo", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	select {
	case <-returned:
	case <-ctx.Done():
		t.Fatal("the handler of an open WebSocket did not return")
	}
	if err := conn.Write(ctx, websocket.MessageText, []byte("still here")); err != nil {
		t.Fatal(err)
	}
	_, got, err := conn.Read(ctx)
	if err != nil || string(got) != "still here" {
		t.Fatalf("echo after the handler returned: %q, %v", got, err)
	}
	conn.Close(websocket.StatusNormalClosure, "")
}
