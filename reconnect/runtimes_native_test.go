//go:build !js

package reconnect_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRuntimes runs this package's suite again, compiled to WebAssembly,
// in Node and in headless Chromium, against this process's server: one
// go test proves the three runtimes. A missing node or Chromium skips its
// run, unless CI is set, where it fails.
func TestRuntimes(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the js/wasm runs take a while")
	}
	goroot := goEnv(t, "GOROOT")
	t.Run("node", func(t *testing.T) {
		t.Parallel()
		node := lookPath(t, "node", "NODE")
		runChild(t, node+" --experimental-websocket --stack-size=8192 "+filepath.Join(goroot, "lib", "wasm", "wasm_exec_node.js"))
	})
	t.Run("chromium", func(t *testing.T) {
		t.Parallel()
		lookPath(t, "chromium", "CHROMIUM")
		// Examples are left out: the page has no file system, where the
		// testing package captures an example's output.
		runChild(t, buildChromerun(t), "-run=^Test")
	})
}

func runChild(t *testing.T, execCmd string, args ...string) {
	args = append([]string{"test", "-count=1", "-v", "-exec=" + execCmd}, args...)
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "WSAPI_RECONNECT_SERVER="+base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go test -exec=%q: %v\n%s", execCmd, err, out)
	}
	var res []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "--- ") {
			res = append(res, strings.Fields(l)[1]+strings.Fields(l)[2])
		}
	}
	t.Logf("%d top-level results: %s", len(res), strings.Join(res, " "))
}

func lookPath(t *testing.T, name, envVar string) string {
	t.Helper()
	if p := os.Getenv(envVar); p != "" {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") == "" {
			t.Skipf("%s not found: the %s run is skipped", name, name)
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

func buildChromerun(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "chromerun")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/chromerun")
	cmd.Dir = filepath.Join("..", "e2e")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building chromerun: %v\n%s", err, out)
	}
	return bin
}
