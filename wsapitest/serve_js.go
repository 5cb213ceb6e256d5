//go:build js

package wsapitest

import (
	"net/http"
	"os"
	"testing"
)

// Serve returns $key: in js/wasm, where a test cannot listen, the native
// test that called Run started the server and set key. Without it, Serve
// skips t.
func Serve(t testing.TB, key string, h http.Handler) string {
	t.Helper()
	u := os.Getenv(key)
	if u == "" {
		t.Skipf("$%s is not set: in js/wasm, the native test's wsapitest.Run passes the server's URL (run go test natively)", key)
	}
	return u
}
