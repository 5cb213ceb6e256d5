//go:build !js

package wsapi_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
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
	goroot := goEnv(t, "GOROOT")
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		node := lookPath(t, "node", "NODE")
		execCmd := node + " --experimental-websocket --stack-size=8192 " + filepath.Join(goroot, "lib", "wasm", "wasm_exec_node.js")
		runChild(t, e, "node", "node", execCmd)
	})
	t.Run("chromium", func(t *testing.T) {
		t.Parallel()
		lookPath(t, "chromium", "CHROMIUM")
		runChild(t, e, "chromium", "chromium", buildChromerun(t), "WSAPI_JS_HELPER=on")
	})
	// A page whose policy forbids eval gets no JS helper: the same suite
	// then runs on the path that sets the socket's handlers one by one.
	t.Run("chromium-no-eval", func(t *testing.T) {
		t.Parallel()
		lookPath(t, "chromium", "CHROMIUM")
		runChild(t, e, "chromium-no-eval", "chromium", buildChromerun(t), "WSAPI_JS_HELPER=off",
			"CHROMERUN_CSP=script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'")
	})
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

func goEnv(t *testing.T, name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// buildChromerun builds the -exec runner from the e2e module, which holds
// chromedp so that this module does not.
func buildChromerun(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "chromerun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/chromerun")
	cmd.Dir = filepath.Join("..", "e2e")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building chromerun: %v\n%s", err, out)
	}
	return bin
}

var resultLine = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (TestScenarios|TestInterop)/(\S+)`)

// runChild runs `GOOS=js GOARCH=wasm go test -exec execCmd` on this package
// with the extra environment, holds its traces to runtime rt's and counts
// its scenario results under name.
func runChild(t *testing.T, e env, name, rt, execCmd string, extra ...string) {
	args := []string{"test", "-count=1", "-v", "-exec=" + execCmd, "."}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(),
		"GOOS=js", "GOARCH=wasm",
		"WSAPI_SERVER="+e.server, "WSAPI_DEAD="+e.dead, "WSAPI_RUNTIME="+rt,
		"WSAPI_SUMMARY=", // the child's summary goes to its output only
		interopEnvVar(),
	)
	cmd.Env = append(cmd.Env, extra...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var pass, ran, ipass, iran int
	sc := bufio.NewScanner(bytes.NewReader(out.Bytes()))
	for sc.Scan() {
		m := resultLine.FindStringSubmatch(sc.Text())
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
	runtimeCounts[name] = [2]int{pass, ran}
	interopCounts[name] = [2]int{ipass, iran}
	countMu.Unlock()
	if err != nil || ran == 0 {
		t.Errorf("%s: GOOS=js GOARCH=wasm go %s (%s): %v, %d/%d scenarios passed\n%s", name, strings.Join(args, " "), runtime.Version(), err, pass, ran, out.String())
		return
	}
	t.Logf("%s: %d/%d scenarios passed, %d/%d interop", name, pass, ran, ipass, iran)
}
