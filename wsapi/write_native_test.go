//go:build !js

package wsapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestSendAfterConnectionLost checks that messages sent once the
// connection is gone are only counted, as in the browser, and not kept:
// the reader ended without a close frame, so no writer will ever run
// again, and a socket that a program keeps sending on (a ticker that does
// not look at ReadyState) must not hold a copy of each message.
func TestSendAfterConnectionLost(t *testing.T) {
	ws := lostSocket(t)
	ws.SetHandlers(Handlers{})
	<-ws.Done()
	if ce, _ := ws.CloseEvent(); ce.Code != 1006 {
		t.Fatalf("close %+v, want 1006", ce)
	}
	msg := make([]byte, 1000)
	for range 100 {
		if err := ws.SendBinary(msg); err != nil {
			t.Fatal(err)
		}
	}
	if got := ws.BufferedAmount(); got != 100*1000 {
		t.Errorf("bufferedAmount %d, want %d", got, 100*1000)
	}
	tr := ws.tr.(*nativeTransport)
	tr.mu.Lock()
	kept := len(tr.out)
	tr.mu.Unlock()
	if kept != 0 {
		t.Errorf("the transport keeps %d messages that it can never write", kept)
	}
}

// lostSocket returns a socket whose server sends one message, "m", then
// ends TCP without a close frame; it closes within 10 s once its handlers
// are set.
func lostSocket(t *testing.T) *WebSocket {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		c.Write(context.Background(), websocket.MessageText, []byte("m"))
		c.CloseNow() // the TCP end, no close frame
	}))
	t.Cleanup(srv.Close)
	ws, err := New("ws" + strings.TrimPrefix(srv.URL, "http"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-ws.Done():
		case <-time.After(10 * time.Second):
			t.Error("the socket did not close")
		}
	})
	return ws
}
