//go:build !js

// Package chromerunbin builds chromerun, the go test -exec runner for
// Chromium, from this tree, for the tests of this module that run wasm
// tests in Chromium. chromerun is a module of its own (cmd/chromerun), so
// that users can go install it; it is built here as go install builds it:
// in its own module, with no workspace.
package chromerunbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Build builds chromerun into a temporary directory of t and returns its
// path.
func Build(t testing.TB) string {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "chromerun")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join(filepath.Dir(strings.TrimSpace(string(gomod))), "cmd", "chromerun")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building chromerun in %s: %v\n%s", cmd.Dir, err, out)
	}
	return bin
}
