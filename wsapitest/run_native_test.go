//go:build !js

package wsapitest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
)

// The tests below run the package in testdata/fixture as a user would run
// theirs, `go test -v -run TestRuntimes`, and read what it printed: its
// TestRuntimes calls Run, which runs the fixture's other tests in Node and
// Chromium.

// TestRunEnvAndScripts: a variable without a prefix of ours, set in the
// native test's environment, and one from Options.Env reach the wasm tests
// on every runtime; the servers of Handler, started natively by Serve,
// play their scripts alike to the native test and to the wasm tests; a
// -race in GOFLAGS does not reach the js/wasm builds.
func TestRunEnvAndScripts(t *testing.T) {
	t.Parallel()
	// GOFLAGS=-race, as CI machines set it, is for the native run only.
	out, err := runFixture(t, []string{"GOFLAGS=-race"}, "-run=^(TestRuntimes|TestEcho|TestScript)$")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"echo ok on native", "script ok on native"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	for _, rt := range []string{"node", "chromium"} {
		for _, want := range []string{"env reached " + rt, "echo ok on " + rt, "script ok on " + rt, "--- PASS: TestRuntimes/" + rt} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: the output lacks %q:\n%s", rt, want, out)
			}
		}
	}
}

// TestRunFails: a failing and a panicking wasm test fail the native test,
// whose own error has the wasm tests' messages.
func TestRunFails(t *testing.T) {
	t.Parallel()
	out, err := runFixture(t, []string{"FIXTURE_FAIL=1", "FIXTURE_PANIC=1"})
	checkRunErrors(t, out, err, []string{"node", "chromium"}, func(rt string) []string {
		return []string{
			"--- FAIL: TestFails", "the wasm test says no on " + rt,
			"--- FAIL: TestPanics", "panic: the wasm test panics on " + rt,
		}
	})
}

// TestRunHangs: a wasm test that hangs fails the native test before the
// native test's own -timeout, with the child's message naming the test that
// hung, and leaves no child running: the child's -timeout is cut to fit in
// the native one.
func TestRunHangs(t *testing.T) {
	t.Parallel()
	// Without a child -timeout shorter than this one, Run reports no
	// error: this binary panics first, naming TestRuntimes/node.
	out, err := runFixture(t, []string{"FIXTURE_HANG=1"}, "-timeout=50s", "-run=TestRuntimes/node")
	checkRunErrors(t, out, err, []string{"node"}, func(string) []string {
		return []string{"panic: test timed out", "TestHangs"}
	})
}

// TestRunUnpassedServer: a wasm test whose server's URL TestRuntimes did
// not pass fails, naming the variable, rather than skipping: a skip would
// leave the runs green with the test run natively only.
func TestRunUnpassedServer(t *testing.T) {
	t.Parallel()
	out, err := runFixture(t, []string{"FIXTURE_UNPASSED=1"})
	checkRunErrors(t, out, err, []string{"node", "chromium"}, func(string) []string {
		return []string{"--- FAIL: TestUnpassed", "$FIXTURE_NOT_PASSED is not set"}
	})
}

// TestRunBadEnv: an entry of Options.Env that is not KEY=value fails
// the native test, naming the entry, before any run: in the runs it would
// be dropped (Node) or read as an empty variable (Chromium).
func TestRunBadEnv(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"FIXTURE_TYPO", "=no key"} {
		out, err := runFixture(t, []string{"FIXTURE_BAD_ENTRY=" + bad})
		if err == nil {
			t.Errorf("%q: the fixture passed:\n%s", bad, out)
			continue
		}
		if want := fmt.Sprintf("Options.Env[3] = %q: not KEY=value", bad); !strings.Contains(out, want) {
			t.Errorf("%q: the output lacks %q:\n%s", bad, want, out)
		}
		if strings.Contains(out, "=== RUN   TestRuntimes/") {
			t.Errorf("%q: a run started:\n%s", bad, out)
		}
	}
}

// TestRunFindsInstalledChromerun: a chromerun that go install put in
// GOBIN, a directory not on PATH, is found there: the Chromium run runs
// rather than skipping.
func TestRunFindsInstalledChromerun(t *testing.T) {
	t.Parallel()
	gobin := filepath.Dir(chromerunbin.Build(t))
	var path []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(dir, "chromerun")); err != nil {
			path = append(path, dir)
		}
	}
	out, err := runFixture(t, []string{"CHROMERUN=", "GOBIN=" + gobin, "PATH=" + strings.Join(path, string(filepath.ListSeparator))}, "-run=TestRuntimes/chromium")
	if err != nil || !strings.Contains(out, "--- PASS: TestRuntimes/chromium") {
		t.Errorf("want the Chromium run to pass, got %v:\n%s", err, out)
	}
}

// TestRunMissingChromium: without a browser, the Chromium run is skipped
// and says why; under CI it fails.
func TestRunMissingChromium(t *testing.T) {
	t.Parallel()
	const why = "CHROMIUM=/nonexistent/chromium"
	for _, ci := range []string{"", "true"} {
		out, err := runFixture(t, []string{"CHROMIUM=/nonexistent/chromium", "CI=" + ci}, "-run=TestRuntimes/chromium")
		switch {
		case ci == "" && (err != nil || !strings.Contains(out, "--- SKIP: TestRuntimes/chromium")):
			t.Errorf("CI unset: want a skip, got %v:\n%s", err, out)
		case ci != "" && (err == nil || !strings.Contains(out, "--- FAIL: TestRuntimes/chromium")):
			t.Errorf("CI=true: want a failure, got %v:\n%s", err, out)
		case !strings.Contains(out, why):
			t.Errorf("CI=%q: the output does not say %q:\n%s", ci, why, out)
		}
	}
}

// oddValue is a variable's value that a runtime could mangle on the way:
// an "=", spaces, a newline, quotes, a backslash, non-ASCII, and the end
// of the script element that chromerun's page holds its environment in.
const oddValue = "a=b c\nd \"e' \\ é </script><script>"

// runFixture runs the fixture's TestRuntimes with env added, and returns
// its output.
func runFixture(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	if len(args) == 0 {
		args = []string{"-run=TestRuntimes"}
	}
	cmd := exec.CommandContext(t.Context(), "go", append([]string{"test", "-count=1", "-v"}, append(args, "./testdata/fixture")...)...)
	cmd.Env = append(os.Environ(), "FIXTURE_OUTER=from the outer test", "FIXTURE_ODD="+oddValue, "CHROMERUN="+chromerunbin.Build(t), "CI=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// checkRunErrors checks that the fixture failed (err) and that Run's error
// for each of runtimes has every line of want(runtime).
func checkRunErrors(t *testing.T, out string, err error, runtimes []string, want func(rt string) []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the fixture passed:\n%s", out)
	}
	for _, rt := range runtimes {
		msg, ok := runError(out, rt)
		if !ok {
			t.Errorf("%s: no error from Run:\n%s", rt, out)
			continue
		}
		for _, w := range want(rt) {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: the error lacks %q:\n%s", rt, w, msg)
			}
		}
	}
}

// runError returns the error that Run reported for rt's run: the lines
// of its t.Errorf, up to the next line that is not a subtest's (go test
// -v heads another test's lines with "=== NAME").
func runError(out, rt string) (string, bool) {
	_, s, ok := strings.Cut(out, ": "+rt+": GOOS=js GOARCH=wasm go test")
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i, line := range slices.Collect(strings.Lines(s)) {
		if i > 0 && !strings.HasPrefix(line, strings.Repeat(" ", 8)) {
			break
		}
		b.WriteString(line)
	}
	return b.String(), true
}
