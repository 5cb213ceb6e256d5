//go:build !js

package convtest

import (
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// Runtimes runs the package's tests again, compiled to WebAssembly, in
// Node and in headless Chromium (wsapitest.Run), against the server
// that ServerURL serves: a package's TestRuntimes is this one call.
func Runtimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	wsapitest.Run(t, &wsapitest.Options{
		Env:       []string{EnvVar + "=" + ServerURL(t, "")},
		Chromerun: chromerunbin.Build(t),
		Report: func(t *testing.T, rt wsapitest.Runtime, out string) {
			// A run without EnvVar fails in ServerURL; one in which
			// no test ran passes all the same.
			if !strings.Contains(out, "--- PASS") {
				t.Errorf("%s: no test ran:\n%s", rt.Name, out)
			}
		},
	})
}
