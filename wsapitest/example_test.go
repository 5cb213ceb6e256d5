package wsapitest_test

import (
	"fmt"
	"testing"

	"github.com/go-wsapi/wsapi/wsapitest"
)

// A test file of the package under test, with no build tag, holds its
// tests, which get their server from Serve, and one TestRuntimes, which
// starts the server for the js/wasm runs and runs the tests again in Node
// and Chromium. (An example cannot run a test; this one only compiles.)
func ExampleRun() {
	ticks := wsapitest.Handler(wsapitest.Script{Send: []string{"tick 1", "tick 2"}})

	// func TestTicks(t *testing.T): natively, a server of its own; in
	// js/wasm, $TICKS_URL.
	testTicks := func(t *testing.T) {
		url := wsapitest.Serve(t, "TICKS_URL", ticks)
		_ = url // wsapi.New(url), and check the ticks
	}
	// func TestRuntimes(t *testing.T)
	testRuntimes := func(t *testing.T) {
		wsapitest.Run(t, &wsapitest.Options{
			Env: []string{"TICKS_URL=" + wsapitest.Serve(t, "TICKS_URL", ticks)},
		})
	}
	_, _ = testTicks, testRuntimes
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
