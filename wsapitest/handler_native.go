//go:build !js

package wsapitest

import (
	"cmp"
	"net/http"

	"github.com/coder/websocket"
)

// Handler returns an http.Handler that accepts WebSocket connections and
// plays s on each one: serve it with httptest.NewServer in the native
// test, and give its URL (see WebSocketURL) to every runtime.
//
// It accepts the Origins http://127.0.0.1:* and http://localhost:*, the
// Origin of a page that chromerun serves, which is not the server's own:
// coder/websocket would refuse it by default (see the package's "Browser
// pitfalls"). In js/wasm, where a test cannot listen, Handler answers 501.
func Handler(s Script) http.Handler {
	opts := &websocket.AcceptOptions{
		Subprotocols:   s.Protocols,
		OriginPatterns: []string{"127.0.0.1:*", "localhost:*"},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, opts)
		if err != nil {
			return // Accept has answered
		}
		defer c.CloseNow()
		ctx := r.Context()
		for _, m := range s.Send {
			if err := c.Write(ctx, websocket.MessageText, []byte(m)); err != nil {
				return
			}
		}
		if !s.Echo {
			c.Close(websocket.StatusCode(cmp.Or(s.CloseCode, 1000)), s.CloseReason)
			return
		}
		// Read answers the client's close frame with its own code and
		// reason, then fails, which ends the loop.
		for {
			typ, b, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, b); err != nil {
				return
			}
		}
	})
}
