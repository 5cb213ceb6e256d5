//go:build !js

package wsapi_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestReadBufferSizes sends messages of the sizes around the native read
// buffer's edges (its start, its doublings, the most it keeps) and back to
// small ones, as single frames and as three fragments, text and binary, and
// checks each comes back whole and in order.
func TestReadBufferSizes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		ctx := context.Background()
		for i := 0; ; i++ {
			typ, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			if i%2 == 0 {
				if c.Write(ctx, typ, b) != nil {
					return
				}
				continue
			}
			// Every other message comes back in three frames.
			wr, err := c.Writer(ctx, typ)
			if err != nil {
				return
			}
			third := len(b) / 3
			for _, part := range [][]byte{b[:third], b[third : 2*third], b[2*third:]} {
				if _, err := wr.Write(part); err != nil {
					return
				}
			}
			if wr.Close() != nil {
				return
			}
		}
	}))
	defer srv.Close()

	sizes := []int{0, 1, 63, 64, 65, 511, 512, 513, 1024, 4096, 4097, 65535, 65536, 65537, 300_000, 16, 70_000, 100, 0}
	var want [][]byte
	for i, n := range sizes {
		b := bytes.Repeat([]byte{byte('a' + i)}, n)
		if n > 2 {
			b[0], b[n-1] = 'x', 'y'
		}
		want = append(want, b, b) // once as text, once as binary
	}
	got := make(chan wsapi.MessageEvent, len(want))
	ws, err := wsapi.NewWithOptions("ws"+strings.TrimPrefix(srv.URL, "http"), &wsapi.Options{DisableCompression: true})
	if err != nil {
		t.Fatal(err)
	}
	ws.OnMessage(func(m wsapi.MessageEvent) { got <- m })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	for i, b := range want {
		if i%2 == 0 {
			ws.SendText(string(b))
		} else {
			ws.SendBinary(b)
		}
	}
	for i, b := range want {
		select {
		case m := <-got:
			typ := wsapi.Binary
			if i%2 == 0 {
				typ = wsapi.Text
			}
			if m.Type != typ || !bytes.Equal(m.Data, b) || m.Data == nil {
				t.Errorf("message %d: %s of %d bytes, want %s of %d bytes (data nil: %t)", i, m.Type, len(m.Data), typ, len(b), m.Data == nil)
			}
		case <-ctx.Done():
			t.Fatalf("message %d of %d bytes did not come back", i, len(b))
		}
	}
	ws.Close()
	<-ws.Done()
}
