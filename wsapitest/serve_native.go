//go:build !js

package wsapitest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
)

// Serve returns the ws:// URL of the server that $key names, else starts
// h on an httptest server on 127.0.0.1 for the rest of t, and returns its
// ws:// URL. A test calls it for the server it talks to; the native test
// that calls Run passes such a URL to the js/wasm runs as key=URL in
// Options.Env, where Serve returns it: every runtime talks to the same
// server.
func Serve(t testing.TB, key string, h http.Handler) string {
	t.Helper()
	if u := os.Getenv(key); u != "" {
		return u
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return WebSocketURL(srv.URL)
}
