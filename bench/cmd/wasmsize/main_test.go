//go:build !js

package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/gomod"
)

// TestSmoke builds the five programs and reads them: it proves that the
// program runs, and that net/http stays out of the wasm builds.
func TestSmoke(t *testing.T) {
	root, err := gomod.Root()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	s, err := run(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 6 {
		t.Fatalf("%d rows, want 6", len(s.Rows))
	}
	for _, r := range s.Rows[4:] {
		if !*r.Pass {
			t.Errorf("%s: %s", r.Name, r.Ours)
		}
	}
}

// TestCodeByPackage reads the name section of a wasm binary built here.
func TestCodeByPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds a wasm binary")
	}
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/go.mod", []byte("module x\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/main.go", []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := goCmd(ctx, dir, "build", "-o", dir+"/x.wasm", "."); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dir + "/x.wasm")
	if err != nil {
		t.Fatal(err)
	}
	code, err := codeByPackage(b, []string{"fmt", "runtime"})
	if err != nil {
		t.Fatal(err)
	}
	if code["fmt"] < 10000 || code["runtime"] < 10000 || code["main"] == 0 {
		t.Errorf("fmt %d, runtime %d, main %d bytes of code: too few", code["fmt"], code["runtime"], code["main"])
	}
}
