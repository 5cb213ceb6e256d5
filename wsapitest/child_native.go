//go:build !js

package wsapitest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// runTests runs the package's tests in rt through execCmd, forwards their
// output to t, and fails t with the failing wasm tests' own messages.
func runTests(t *testing.T, rt Runtime, o *Options, execCmd string) {
	args := []string{"test", "-count=1", "-json", "-exec=" + execCmd}
	if d, ok := t.Deadline(); ok && !hasTimeout(o.Args) {
		timeout, err := childTimeout(time.Until(d))
		if err != nil {
			t.Fatalf("%s: %v", rt.Name, err)
		}
		args = append(args, "-timeout="+timeout.String())
	}
	args = append(append(args, o.Args...), ".")
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "WSAPITEST_RUNTIME="+rt.Name, "GOFLAGS="+withoutRace(os.Getenv("GOFLAGS")))
	cmd.Env = append(cmd.Env, o.Env...)
	cmd.Env = append(cmd.Env, rt.Env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", rt.Name, err)
	}
	var res result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res = read(pr, t.Output())
	}()
	err := cmd.Wait()
	pw.Close()
	<-done
	if o.Report != nil {
		o.Report(t, rt, res.text.String())
	}
	if err != nil {
		t.Errorf("%s: GOOS=js GOARCH=wasm go %s (%s): %v\n%s", rt.Name, strings.Join(args, " "), runtime.Version(), err, res.failure())
	}
}

// childTimeout returns the -timeout of a child run that has left before
// the native test's deadline: the child's test binary then panics with
// the name of the wasm test that hung, and exits, before the native test
// binary panics, which would leave the child running, orphaned, for the
// child's default 10 minutes. The margin (a quarter of left, at least
// 30s) is for the child's build, which its -timeout does not count, and
// for reading its output.
func childTimeout(left time.Duration) (time.Duration, error) {
	margin := max(left/4, 30*time.Second)
	if left-margin < time.Second {
		return 0, fmt.Errorf("%v left before the test's -timeout: too little for a js/wasm run (give go test a longer -timeout)", left.Round(time.Second))
	}
	return (left - margin).Round(time.Second), nil
}

// hasTimeout says whether args, go test flags, set -timeout.
func hasTimeout(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool {
		a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		return a == "timeout" || strings.HasPrefix(a, "timeout=")
	})
}

// withoutRace drops -race from GOFLAGS, which CI machines often set: the
// race detector has no js/wasm build, and the native run has it anyway.
func withoutRace(goflags string) string {
	fields := strings.Fields(goflags)
	fields = slices.DeleteFunc(fields, func(f string) bool { return f == "-race" || f == "-race=true" || f == "--race" })
	return strings.Join(fields, " ")
}

// event is one line of go test -json (see go doc test2json).
type event struct {
	Action string
	Test   string
	Output string
}

// result is what a run printed, read from go test -json.
type result struct {
	text   strings.Builder     // the output as go test -v prints it
	byTest map[string][]string // each test's own lines
	failed []string            // the tests that failed, in order
	ran    []string            // the tests that started, in order
	ended  map[string]bool     // the tests that passed, failed or skipped
	other  []string            // the lines of no test: build errors, exit codes
}

// read reads go test -json output from r, and copies its text to w as it
// comes. A line that is not JSON (the go command's own errors) is text of
// no test.
func read(r io.Reader, w io.Writer) result {
	res := result{byTest: map[string][]string{}, ended: map[string]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			e = event{Action: "output", Output: sc.Text() + "\n"}
		}
		switch e.Action {
		case "output", "build-output":
			res.text.WriteString(e.Output)
			io.WriteString(w, e.Output)
			if e.Test == "" {
				res.other = append(res.other, e.Output)
			} else {
				res.byTest[e.Test] = append(res.byTest[e.Test], e.Output)
			}
		case "run":
			res.ran = append(res.ran, e.Test)
		case "fail":
			if e.Test != "" {
				res.failed = append(res.failed, e.Test)
			}
			res.ended[e.Test] = true
		case "pass", "skip":
			res.ended[e.Test] = true
		}
	}
	if err := sc.Err(); err != nil {
		// A line over 1 MiB: say so, and let the child end.
		msg := fmt.Sprintf("wsapitest: the rest of the output is lost: %v\n", err)
		io.WriteString(w, msg)
		res.text.WriteString(msg)
		res.other = append(res.other, msg)
		io.Copy(io.Discard, r)
	}
	return res
}

// failure returns the failed tests' own lines: their t.Error messages, or
// the panic and its stack. A test that failed only through its subtests
// adds nothing of its own. A test that started and never ended was
// running when the binary died (a -timeout's panic names it, or a crash
// came): its lines come after the failed tests'. When no test says
// anything, as when the build or TestMain failed, it returns the last
// lines of no test instead.
func (r *result) failure() string {
	var b strings.Builder
	names := r.failed
	for _, name := range r.ran {
		if !r.ended[name] {
			names = append(names, name)
		}
	}
	for _, name := range names {
		var own []string
		for _, line := range r.byTest[name] {
			s := strings.TrimSpace(line)
			if s != "" && !strings.HasPrefix(s, "=== ") && !strings.HasPrefix(s, "--- FAIL: ") {
				own = append(own, line)
			}
		}
		if len(own) > 0 {
			b.WriteString("--- FAIL: " + name + "\n" + strings.Join(own, ""))
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	lines := r.other
	if len(lines) > 40 {
		lines = lines[len(lines)-40:]
	}
	return strings.Join(lines, "")
}
