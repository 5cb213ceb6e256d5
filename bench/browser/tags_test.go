//go:build !js

package main

import (
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTags checks that every file of the program carries the js && wasm
// build constraint: the program is the Go side of a browser page, and a
// file that lost its tag would break the native build.
func TestTags(t *testing.T) {
	files, err := filepath.Glob("*.go")
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
