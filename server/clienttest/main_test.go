//go:build !js

// Package clienttest_test runs wasm/client's chat, ticks and echo clients
// against the real companion server. The tests live here, in the server's
// module, so that the library's module never imports the server; those
// against scripted servers stay in wasm/client.
package clienttest_test

import (
	"os"
	"runtime"
	"testing"

	"github.com/go-wsapi/wsapi/internal/leakcheck"
)

func TestMain(m *testing.M) {
	base := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		code = leakcheck.Check("client tests against the server", base)
	}
	os.Exit(code)
}
