//go:build !js

package wsapi_test

import (
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// TestRuntimes runs this package's whole suite again, compiled to
// WebAssembly, in Node and in headless Chromium, against this process's
// scenario server: one `go test` proves all three runtimes. A missing node
// or Chromium skips its run, unless CI is set, where it fails.
func TestRuntimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	e := scenarioEnv(t)
	node, chromium := wsapitest.Node, wsapitest.Chromium
	node.Env = []string{"WSAPI_RUNTIME=node"}
	chromium.Env = []string{"WSAPI_RUNTIME=chromium", "WSAPI_JS_HELPER=on"}
	// A page whose policy forbids eval gets no JS helper: the same suite
	// then runs on the path that sets the socket's handlers one by one.
	noEval := wsapitest.Chromium
	noEval.Name = "chromium-no-eval"
	noEval.Env = []string{"WSAPI_RUNTIME=chromium", "WSAPI_JS_HELPER=off",
		"CHROMERUN_CSP=script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'"}
	wsapitest.Run(t, &wsapitest.Options{
		Env: []string{"WSAPI_SERVER=" + e.server, "WSAPI_DEAD=" + e.dead,
			"WSAPI_SUMMARY=", // the child's summary goes to its output only
			interopEnvVar(),
		},
		Runtimes:  []wsapitest.Runtime{node, chromium, noEval},
		Chromerun: chromerunbin.Build(t),
		Report:    countScenarios,
	})
}

var resultLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (TestScenarios|TestInterop)/(\S+)`)

// countScenarios counts a run's scenario and interop results for the
// summary, and fails a run in which no scenario ran.
func countScenarios(t *testing.T, rt wsapitest.Runtime, output string) {
	var pass, ran, ipass, iran int
	for line := range strings.Lines(output) {
		m := resultLine.FindStringSubmatch(line)
		switch {
		case m == nil || m[1] == "SKIP":
		case m[2] == "TestInterop":
			// A subtest's name holds the server's: one level only.
			if strings.Count(m[3], "/") == 1 {
				iran++
				if m[1] == "PASS" {
					ipass++
				}
			}
		default:
			ran++
			if m[1] == "PASS" {
				pass++
			}
		}
	}
	countMu.Lock()
	runtimeCounts[rt.Name] = [2]int{pass, ran}
	interopCounts[rt.Name] = [2]int{ipass, iran}
	countMu.Unlock()
	if ran == 0 {
		t.Errorf("%s: no scenario ran", rt.Name)
		return
	}
	t.Logf("%s: %d/%d scenarios passed, %d/%d interop", rt.Name, pass, ran, ipass, iran)
}

// lookPath finds a program, or skips (fails under CI) when it is missing.
func lookPath(t *testing.T, name, envVar string) string {
	t.Helper()
	if p := os.Getenv(envVar); p != "" {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") == "" {
			t.Skipf("%s not found: the %s run is skipped (make test installs it)", name, name)
		}
		t.Fatalf("%s: %v", name, err)
	}
	return p
}
