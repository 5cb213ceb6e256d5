//go:build !js

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// TestReport builds the report from one section and no native results:
// every item has its line, the missing ones say so.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	s := &report.Section{Item: 3, Title: "Wasm size", Rows: []report.Row{
		{Name: "wasm: minimal", Ours: "800 kB", Base: "500 kB", Ratio: "+300 kB", Target: "≤ +100 kB", Pass: report.Check(false)},
	}, Detail: "how it was measured\n"}
	if err := s.Write(filepath.Join(dir, "3-wasm.json")); err != nil {
		t.Fatal(err)
	}
	md, stdout := runReport(t, dir)
	for _, want := range []string{
		"| wasm: minimal | 800 kB | 500 kB | +300 kB | ≤ +100 kB | **MISS** |",
		"native: wsapi vs coder/websocket | no benchmarks yet",
		"how it was measured",
		"Did not run (bench/cmd/fanout)",
		"| cores (nproc) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("BENCHMARKS.md lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(stdout, "0 pass, 1 missed") {
		t.Errorf("stdout lacks the count:\n%s", stdout)
	}
}

// runReport runs benchreport over the sections in dir and returns the
// BENCHMARKS.md it wrote and what it printed.
func runReport(t *testing.T, dir string) (md, stdout string) {
	t.Helper()
	out := filepath.Join(dir, "BENCHMARKS.md")
	var w strings.Builder
	if err := run(dir, out, 0, &w); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), w.String()
}
