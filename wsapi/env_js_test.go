//go:build js && wasm

package wsapi_test

import (
	"encoding/json"
	"fmt"
	"os"
	"syscall/js"
	"testing"

	"github.com/go-wsapi/wsapi/wsapi"
)

func startEnv() (env, func(), error) {
	e := env{server: os.Getenv("WSAPI_SERVER"), dead: os.Getenv("WSAPI_DEAD"), runtime: os.Getenv("WSAPI_RUNTIME")}
	if e.runtime == "" {
		e.runtime = "chromium"
		// wasm_exec.js stubs a process object in browsers; only Node's
		// has versions.
		if v := js.Global().Get("process"); v.Truthy() {
			if v = v.Get("versions"); v.Truthy() && v.Get("node").Truthy() {
				e.runtime = "node"
			}
		}
	}
	// WSAPI_JS_HELPER says which message path the run must take: the
	// native side runs the suite once on each in Chromium.
	switch want, got := os.Getenv("WSAPI_JS_HELPER"), wsapi.UsesJSHelper(); {
	case want == "on" && !got, want == "off" && got:
		return e, nil, fmt.Errorf("WSAPI_JS_HELPER=%s, but the JS helper is in use: %t", want, got)
	}
	// Where the helper is in use, messages are sent through its sinks:
	// a runtime whose CopyBytesToJS does not reach them would pass the
	// suite on the slower path, unseen.
	if wsapi.UsesJSHelper() && !wsapi.UsesSinks() {
		return e, nil, fmt.Errorf("the JS helper is in use, but CopyBytesToJS does not reach its sinks on %s", e.runtime)
	}
	return e, func() {}, nil
}

// checkLeaks has nothing to check in a JS runtime: the native run checks
// the code that is shared.
func checkLeaks() int { return 0 }

// printSummary prints the scenario counts, unless none ran.
func printSummary() {
	countMu.Lock()
	defer countMu.Unlock()
	if ranScenarios > 0 {
		fmt.Printf("wsapi scenarios on %s: %d passed, %d failed\n", theEnv.runtime, passed, ranScenarios-passed)
	}
	if interopRan > 0 {
		fmt.Printf("wsapi interop on %s: %d passed, %d failed\n", theEnv.runtime, interopPassed, interopRan-interopPassed)
	}
}

// interopEnv is the environment with the interop servers the native run
// started and passed in WSAPI_INTEROP; it skips when there are none.
func interopEnv(t *testing.T) env {
	e := scenarioEnv(t)
	if err := json.Unmarshal([]byte(os.Getenv("WSAPI_INTEROP")), &e.interop); err != nil || len(e.interop) == 0 {
		t.Skip("no interop servers: the native run passes them in WSAPI_INTEROP")
	}
	return e
}

// missingServer skips a scenario whose server the native run could not
// start; the native run itself says why, and fails under CI.
func missingServer(t *testing.T, server string) {
	t.Skipf("%s is not up (see the native run)", server)
}
