//go:build !js

// Package prof keeps the profiles that the benchmark programs take for a
// missed target, and sums one up for BENCHMARKS.md with go tool pprof.
package prof

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Dir is dir, made if need be, where the profiles stay after the run; or,
// when dir is empty, a temporary directory that cleanup removes.
func Dir(dir string) (_ string, cleanup func(), err error) {
	if dir != "" {
		return dir, func() {}, os.MkdirAll(dir, 0o755)
	}
	dir, err = os.MkdirTemp("", "wsapi-bench-prof-")
	return dir, func() { os.RemoveAll(dir) }, err
}

// Top is `go tool pprof -top` of file, its first nodes functions, or why
// there is none.
func Top(file string, nodes int, args ...string) string {
	args = append([]string{"tool", "pprof", "-top", "-nodecount=" + strconv.Itoa(nodes)}, append(args, file)...)
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		return fmt.Sprintf("go tool pprof: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}
