package convtest

import (
	"testing"
)

// server is the base URL that Main found or started.
var server string

// Main runs a package's tests against the test server (see URL) and
// returns the exit code, which is also 1 when goroutines outlive the tests
// natively: call it as os.Exit(convtest.Main(m)) from TestMain.
func Main(m *testing.M) int {
	base := goroutines()
	u, stop := URL()
	server = u
	code := m.Run()
	stop()
	if code == 0 {
		code = checkLeaks(base)
	}
	return code
}

// ServerURL returns the test server's URL for path, or skips t when there
// is none (a js/wasm run started by hand without EnvVar).
func ServerURL(t testing.TB, path string) string {
	t.Helper()
	if server == "" {
		t.Skip("no test server: set " + EnvVar + ", or run the native tests, which start one")
	}
	return server + path
}
