//go:build !js

package wsapi

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestRawWriteOnlyOnPlainOwnConnection checks which connections the frame
// tap may write to directly, for a send written inline: a ws:// connection
// the handshake dialed itself, and no other. Through TLS the bytes on the
// socket are not the frames; through a transport of the user's, a proxy's
// say, the socket is not known to be the server's.
func TestRawWriteOnlyOnPlainOwnConnection(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(context.Background())
			if err != nil || c.Write(context.Background(), typ, b) != nil {
				return
			}
		}
	})
	plain := httptest.NewServer(echo)
	defer plain.Close()
	secure := httptest.NewTLSServer(echo)
	defer secure.Close()
	insecure := &tls.Config{InsecureSkipVerify: true}
	for _, tc := range []struct {
		name string
		url  string
		opts *Options
		raw  bool
	}{
		{"ws://", "ws" + strings.TrimPrefix(plain.URL, "http"), nil, true},
		{"ws:// with TLSConfig", "ws" + strings.TrimPrefix(plain.URL, "http"), &Options{TLSConfig: insecure}, true},
		{"wss://", "wss" + strings.TrimPrefix(secure.URL, "https"), &Options{TLSConfig: insecure}, false},
		{"ws:// through the user's HTTPClient", "ws" + strings.TrimPrefix(plain.URL, "http"), &Options{HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}, false},
		{"ws:// through an HTTPClient without a transport", "ws" + strings.TrimPrefix(plain.URL, "http"), &Options{HTTPClient: &http.Client{}}, true},
	} {
		ws, err := NewWithOptions(tc.url, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		got := make(chan string, 1)
		ws.SetHandlers(Handlers{Message: func(m MessageEvent) { got <- m.Text() }})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = ws.WaitOpen(ctx)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		tr := ws.tr.(*nativeTransport)
		tr.mu.Lock()
		raw := tr.tap.raw != nil
		tr.mu.Unlock()
		if raw != tc.raw {
			t.Errorf("%s: the tap writes to the socket directly: %v, want %v", tc.name, raw, tc.raw)
		}
		ws.SendText("hello")
		select {
		case m := <-got:
			if m != "hello" {
				t.Errorf("%s: echo %q", tc.name, m)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("%s: no echo", tc.name)
		}
		ws.Close()
		<-ws.Done()
	}
}
