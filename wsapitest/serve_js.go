//go:build js

package wsapitest

import (
	"net/http"
	"os"
	"testing"
)

// Serve returns $key: in js/wasm, where a test cannot listen, the native
// test that called Run started the server and set key. Without it, Serve
// fails t in a run that Run started (its TestRuntimes did not pass key: a
// skip would leave the run green with the test never run in js/wasm), and
// skips t in a js/wasm go test run by hand.
func Serve(t testing.TB, key string, h http.Handler) string {
	t.Helper()
	u := os.Getenv(key)
	switch {
	case u != "":
		return u
	case os.Getenv("WSAPITEST_RUNTIME") != "":
		t.Fatalf("$%s is not set: pass it in the wsapitest.Options.Env of the test that calls Run, as %q+wsapitest.Serve(t, %q, h)", key, key+"=", key)
	default:
		t.Skipf("$%s is not set: in js/wasm, the native test's wsapitest.Run passes the server's URL (run go test natively)", key)
	}
	return ""
}
