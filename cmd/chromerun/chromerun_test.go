package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/cmd/chromerun/browser"
)

// progSource is the wasm program under test. Its first argument picks how
// it ends, so one build covers every case.
const progSource = `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Println("args", os.Args)
	fmt.Println("env", os.Getenv("WSAPI_CHROMERUN_TEST"), os.Getenv("PLAIN_VAR"), strings.HasPrefix(os.Getenv("CHROMERUN_ORIGIN"), "http://127.0.0.1:"))
	fmt.Fprintln(os.Stderr, "to stderr")
	for i := range 50 {
		fmt.Println("line", i)
	}
	switch os.Args[1] {
	case "fail":
		fmt.Print("no newline")
		os.Exit(3)
	case "panic":
		panic("boom")
	}
}
`

// setup skips (fails under CI) without Chromium, builds chromerun into a
// temporary dir, and makes the module prog beside it for a test's program.
func setup(t *testing.T) (dir, runner, src string) {
	t.Helper()
	if _, err := browser.Find(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs Chromium: %v", err)
		}
		t.Skipf("skipping: %v (install chromium or set CHROMIUM)", err)
	}
	dir = t.TempDir()
	runner = filepath.Join(dir, "chromerun")
	goBuild(t, ".", nil, "-o", runner, ".")
	src = filepath.Join(dir, "prog")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(src, "go.mod"), "module prog\n\ngo 1.26\n")
	return dir, runner, src
}

// TestChromerun builds chromerun and a small wasm program, and runs the
// program in Chromium as go test -exec would.
func TestChromerun(t *testing.T) {
	dir, runner, src := setup(t)
	writeFile(t, filepath.Join(src, "main.go"), progSource)
	prog := filepath.Join(dir, "prog.wasm")
	goBuild(t, src, []string{"GOOS=js", "GOARCH=wasm"}, "-o", prog, ".")

	var lines strings.Builder
	for i := range 50 {
		fmt.Fprintf(&lines, "line %d\n", i)
	}
	for _, tc := range []struct {
		mode       string
		code       int
		stdout     []string
		stderr     string
		stdoutTail string
	}{
		{"pass", 0, []string{"args [prog.wasm pass x]\n", "env 42 passed true\n", lines.String()}, "to stderr\n", ""},
		{"fail", 3, []string{lines.String()}, "to stderr\n", "no newline\n"},
		{"panic", 2, []string{lines.String()}, "panic: boom", ""},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runChromerun(t, runner, prog, tc.mode, "x")
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q", want)
				}
			}
			if !strings.HasSuffix(stdout, tc.stdoutTail) {
				t.Errorf("stdout does not end with %q", tc.stdoutTail)
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr lacks %q", tc.stderr)
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}

	pages := map[string]string{
		"/exit":  `<script>console.log("a", 1); console.error("b"); chromerunExit(5); console.log("after")</script>`,
		"/throw": `<script>setTimeout(() => { throw new Error("thrown") })</script>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "<!doctype html>"+pages[r.URL.Path])
	}))
	t.Cleanup(srv.Close)
	t.Run("page-exit", func(t *testing.T) {
		t.Parallel()
		code, stdout, stderr := runChromerun(t, runner, "-url", srv.URL+"/exit")
		if code != 5 || stdout != "a 1\n" || stderr != "b\n" {
			t.Errorf("got code %d, stdout %q, stderr %q; want 5, %q, %q", code, stdout, stderr, "a 1\n", "b\n")
		}
	})
	// wasm_exec.js has 8 KiB for argv and the environment: chromerun says
	// which variable does not fit, where the page would only throw.
	t.Run("env-too-big", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := runChromerunEnv(t, []string{"BIG_VAR=" + strings.Repeat("x", 9000)}, runner, prog, "pass")
		if code != 1 || !strings.Contains(stderr, "BIG_VAR (9008 bytes)") {
			t.Errorf("got code %d, stderr %q; want 1 and BIG_VAR named", code, stderr)
		}
	})
	t.Run("page-throw", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := runChromerun(t, runner, "-url", srv.URL+"/throw")
		if code != 1 || !strings.Contains(stderr, "Uncaught Error: thrown") {
			t.Errorf("got code %d, stderr %q; want 1 and the error", code, stderr)
		}
	})
}

// testSource is a package whose test binary chromerun runs as go test
// -exec does, with go test's flags.
const testSource = `package prog

import (
	"os"
	"testing"
)

func TestA(t *testing.T) { t.Log("A ran") }

func TestB(t *testing.T) {
	if os.Getenv("FAIL_B") != "" {
		t.Error("B failed")
	}
	t.Log("B ran")
}
`

// TestChromerunTestFlags runs a test binary with -test.run and -test.v, as
// go test -exec does: the flags reach it, and its exit code is chromerun's.
func TestChromerunTestFlags(t *testing.T) {
	dir, runner, src := setup(t)
	writeFile(t, filepath.Join(src, "prog_test.go"), testSource)
	prog := filepath.Join(dir, "prog.test")
	cmd := exec.Command("go", "test", "-c", "-o", prog, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c: %v\n%s", err, out)
	}
	for _, tc := range []struct {
		env    string
		code   int
		want   []string
		absent string
	}{
		{"FAIL_B=", 0, []string{"=== RUN   TestB", "B ran", "--- PASS: TestB"}, "TestA"},
		{"FAIL_B=1", 1, []string{"B failed", "--- FAIL: TestB"}, "TestA"},
	} {
		t.Run(tc.env, func(t *testing.T) {
			t.Parallel()
			code, stdout, stderr := runChromerunEnv(t, []string{tc.env}, runner, prog, "-test.run=TestB", "-test.v")
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			for _, want := range tc.want {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q", want)
				}
			}
			if strings.Contains(stdout, tc.absent) {
				t.Errorf("stdout has %q: -test.run did not reach the test binary", tc.absent)
			}
			if t.Failed() {
				t.Logf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
		})
	}
}

// runChromerun runs chromerun and returns its exit code and output.
func runChromerun(t *testing.T, runner string, args ...string) (int, string, string) {
	t.Helper()
	return runChromerunEnv(t, []string{"WSAPI_CHROMERUN_TEST=42", "PLAIN_VAR=passed"}, runner, args...)
}

// runChromerunEnv runs chromerun with env added to ours.
func runChromerunEnv(t *testing.T, env []string, runner string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), runner, append([]string{"-timeout", "1m"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

func goBuild(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDefaultTimeout: without -timeout or $CHROMERUN_TIMEOUT, a test
// binary's -test.timeout, when longer than 10m, outlasts chromerun's by a
// margin, so that the binary's own panic, which names the test that hung,
// is what ends the run.
func TestDefaultTimeout(t *testing.T) {
	for _, c := range []struct {
		args []string
		want time.Duration
	}{
		{nil, 10 * time.Minute},
		{[]string{"-test.v", "-test.run=X"}, 10 * time.Minute},
		{[]string{"-test.timeout=30m0s"}, 30*time.Minute + 30*time.Second},
		{[]string{"-test.timeout", "20m"}, 20*time.Minute + 30*time.Second},
		{[]string{"-test.timeout=1m"}, 10 * time.Minute},
		{[]string{"-test.timeout=0"}, 0},
		{[]string{"-test.timeout=bad"}, 10 * time.Minute},
	} {
		if got := defaultTimeout(c.args); got != c.want {
			t.Errorf("defaultTimeout(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}
