//go:build !js

package wsapitest

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Run runs the tests of the package in the current directory (the one
// under test) again, compiled with GOOS=js GOARCH=wasm, once in each
// runtime, one after the other, as subtests of t named for the runtimes.
// Each run is `go test -count=1 -json -exec=<runner> [opts.Args] .` with
// the native test's environment, then opts.Env, then the runtime's Env.
// Unless opts.Args sets -timeout, a run's -timeout ends before the native
// test's own (by a quarter of the time left, at least 30s, for its build):
// a wasm test that hangs then fails the subtest, named by its panic, and
// leaves no process behind.
//
// Run returns when every run has ended, so the servers the runs talk to
// may be closed then (with defer, say). The runs are not parallel: each
// compiles and runs the package's tests, which keeps a machine busy. In a
// js/wasm run, Run skips t: that run is one of the runs.
func Run(t *testing.T, opts *Options) {
	t.Helper()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Runtimes == nil {
		o.Runtimes = []Runtime{Node, Chromium}
	}
	if err := checkEnv("Options.Env", o.Env); err != nil {
		t.Fatal(err)
	}
	for _, rt := range o.Runtimes {
		if err := checkEnv(rt.Name+": Runtime.Env", rt.Env); err != nil {
			t.Fatal(err)
		}
	}
	for _, rt := range o.Runtimes {
		t.Run(rt.Name, func(t *testing.T) {
			execCmd := runner(t, rt, &o)
			runTests(t, rt, &o, execCmd)
		})
	}
}

// runner returns the go test -exec command for rt, or skips t (fails it
// under CI) when the runtime is missing.
func runner(t *testing.T, rt Runtime, o *Options) string {
	switch rt.kind {
	case nodeKind:
		node := os.Getenv("NODE")
		if node == "" {
			p, err := exec.LookPath("node")
			if err != nil {
				missing(t, "%s: node not found on PATH (%v): install Node.js 20 or later, or set NODE", rt.Name, err)
			}
			node = p
		}
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			t.Fatalf("%s: go env GOROOT: %v", rt.Name, err)
		}
		js := filepath.Join(strings.TrimSpace(string(out)), "lib", "wasm", "wasm_exec_node.js")
		// Go's stack needs more than Node's default. Node 20 has the
		// WebSocket global behind a flag, which later Nodes may drop.
		flags := " --stack-size=8192 "
		if out, err := exec.Command(node, "-p", "typeof WebSocket").Output(); err != nil {
			t.Fatalf("%s: %s: %v", rt.Name, node, err)
		} else if strings.TrimSpace(string(out)) != "function" {
			flags = " --experimental-websocket" + flags
		}
		return quote(node) + flags + quote(js)
	case chromiumKind:
		cr := cmp.Or(o.Chromerun, os.Getenv("CHROMERUN"), "chromerun")
		p, err := exec.LookPath(cr)
		if err != nil && cr == "chromerun" {
			// Where go install puts it, which is often not on PATH.
			if dir := goBin(); dir != "" {
				if q, err2 := exec.LookPath(filepath.Join(dir, cr)); err2 == nil {
					p, err = q, nil
				}
			}
		}
		if err != nil {
			missing(t, "%s: %v, nor in $(go env GOBIN) or $(go env GOPATH)/bin: go install github.com/go-wsapi/wsapi/cmd/chromerun@latest, or set CHROMERUN", rt.Name, err)
		}
		cr = p
		// chromerun -find says whether it has a browser to drive.
		out, err := exec.Command(cr, "-find").CombinedOutput()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.ExitCode() == 127:
			missing(t, "%s: %s", rt.Name, strings.TrimSpace(string(out)))
		case err != nil:
			t.Fatalf("%s: %s -find: %v\n%s", rt.Name, cr, err, out)
		}
		return quote(cr)
	}
	t.Fatalf("wsapitest: runtime %q is neither a copy of Node nor of Chromium", rt.Name)
	return ""
}

// checkEnv returns an error naming the first entry of env that is not
// KEY=value: Node would drop it, chromerun read it as an empty variable,
// and a test that reads it would skip or fail for a reason it cannot say.
func checkEnv(what string, env []string) error {
	for i, kv := range env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return fmt.Errorf("wsapitest: %s[%d] = %q: not KEY=value", what, i, kv)
		}
	}
	return nil
}

// goBin returns the directory where go install puts commands: GOBIN, else
// the bin directory of GOPATH's first entry; "" when go cannot say.
func goBin() string {
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err != nil {
		return ""
	}
	gobin, gopath, _ := strings.Cut(string(out), "\n")
	if gobin = strings.TrimSpace(gobin); gobin != "" {
		return gobin
	}
	if first := filepath.SplitList(strings.TrimSpace(gopath)); len(first) > 0 && first[0] != "" {
		return filepath.Join(first[0], "bin")
	}
	return ""
}

// missing skips t, or fails it where CI is set: a CI machine must have
// every runtime.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format+" (CI is set: every runtime must run)", args...)
	}
	t.Skipf(format, args...)
}

// quote quotes a path with spaces the way go test -exec splits its
// argument.
func quote(s string) string {
	if strings.ContainsAny(s, " \t") {
		return "'" + s + "'"
	}
	return s
}
