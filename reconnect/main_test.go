package reconnect_test

import (
	"fmt"
	"os"
	"testing"
)

// base is the suite server's ws://host:port.
var base string

func TestMain(m *testing.M) {
	b, stop, err := startSuite()
	if err != nil {
		fmt.Fprintln(os.Stderr, "reconnect tests:", err)
		os.Exit(2)
	}
	base = b
	os.Setenv("WSAPI_RECONNECT_SERVER", b) // for the package's own tests
	code := m.Run()
	stop()
	os.Exit(code)
}

// serverURL is the URL of path on the suite's server; see testServer.
func serverURL(path string) string { return base + path }
