//go:build !js

package convtest

import (
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// Runtimes runs the package's tests again, compiled to WebAssembly, in
// Node and in headless Chromium (wsapitest.Run), against the server that
// Main started: a package's TestRuntimes is this one call.
func Runtimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	ServerURL(t, "")
	wsapitest.Run(t, &wsapitest.Options{
		Env:       []string{EnvVar + "=" + server},
		Chromerun: chromerunbin.Build(t),
		Report: func(t *testing.T, rt wsapitest.Runtime, out string) {
			// A run that found no server skips every test and passes.
			if strings.Contains(out, "no test server") || !strings.Contains(out, "--- PASS") {
				t.Errorf("%s: the tests did not run against the server:\n%s", rt.Name, out)
			}
		},
	})
}
