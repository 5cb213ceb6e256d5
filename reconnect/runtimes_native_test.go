//go:build !js

package reconnect_test

import (
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// TestRuntimes runs this package's suite again, compiled to WebAssembly,
// in Node and in headless Chromium, against this process's server: one
// go test proves the three runtimes.
func TestRuntimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	env := []string{"WSAPI_RECONNECT_SERVER=" + base}
	wsapitest.Run(t, &wsapitest.Options{Env: env, Runtimes: []wsapitest.Runtime{wsapitest.Node}})
	wsapitest.Run(t, &wsapitest.Options{
		Env:       env,
		Runtimes:  []wsapitest.Runtime{wsapitest.Chromium},
		Chromerun: chromerunbin.Build(t),
		// Tests only: a page has no file system, where the testing
		// package captures an example's output.
		Args: []string{"-run=^Test"},
		Report: func(t *testing.T, rt wsapitest.Runtime, out string) {
			// The lifecycle test needs a page: Chromium must run it.
			if !strings.Contains(out, "--- PASS: TestPageListeners") {
				t.Errorf("%s: TestPageListeners did not pass", rt.Name)
			}
		},
	})
}
