//go:build !js

package wstest

import (
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CheckJSOnly fails t for every non-test Go file in dir whose first line is
// not the build constraint `js && wasm`: a program that only makes sense in
// a browser page must not break the native build when a file loses its tag.
func CheckJSOnly(t testing.TB, dir string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		expr, err := constraint.Parse(line)
		if err != nil {
			t.Errorf("%s: no build constraint on its first line: %v", f, err)
			continue
		}
		if expr.String() != "js && wasm" {
			t.Errorf("%s: build constraint %q, want js && wasm", f, expr)
		}
	}
}
