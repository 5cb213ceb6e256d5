package wsapitest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-wsapi/wsapi/wsapitest"
)

// A test file of the package under test, with no build tag, holds its
// tests and one TestRuntimes: natively it starts the server and runs the
// tests again in Node and Chromium, which read the server's URL from the
// environment. (An example cannot run a test; this one only compiles.)
func ExampleRun() {
	handler := http.NotFoundHandler() // the test server's

	testRuntimes := func(t *testing.T) {
		srv := httptest.NewServer(handler)
		defer srv.Close()
		wsapitest.Run(t, &wsapitest.Options{
			Env: []string{"FEED_URL=" + srv.URL},
		})
	}
	_ = testRuntimes
}

// A variant of Chromium runs the same tests under a page policy that
// forbids eval: a Runtime is copied, then given a name and variables.
func ExampleRuntime() {
	noEval := wsapitest.Chromium
	noEval.Name = "chromium-no-eval"
	noEval.Env = []string{"CHROMERUN_CSP=script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"}
	opts := &wsapitest.Options{Runtimes: []wsapitest.Runtime{wsapitest.Node, wsapitest.Chromium, noEval}}
	for _, rt := range opts.Runtimes {
		fmt.Println(rt.Name)
	}
	// Output:
	// node
	// chromium
	// chromium-no-eval
}
