package wsapi_test

import (
	"fmt"
	"os"
	"testing"
)

// theEnv is set by TestMain: a scenario server of our own natively, or the
// one named by WSAPI_SERVER, which the native run passes to its children.
var theEnv env

// scenarioEnv returns the scenario environment, or skips the test where
// there is none (a GOOS=js run started by hand without WSAPI_SERVER).
func scenarioEnv(t testing.TB) env {
	if theEnv.server == "" {
		t.Skip("no scenario server: set WSAPI_SERVER, or run the native tests, which start one")
	}
	return theEnv
}

func TestMain(m *testing.M) {
	e, stop, err := startEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsapi tests:", err)
		os.Exit(1)
	}
	theEnv = e
	code := m.Run()
	stop()
	if code == 0 {
		code = checkLeaks()
	}
	printSummary()
	os.Exit(code)
}
