//go:build !js

// Package smoke is what the benchmark programs' smoke tests share. A
// program's test binary is also its child server (bench/internal/benchsrv),
// and a smoke test proves that the program runs on tiny sizes and gives
// every row its figures, not what it finds.
package smoke

import (
	"os"
	"testing"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// Main is a smoke test's TestMain: the child servers are the test binary.
func Main(m *testing.M) {
	benchsrv.MaybeServe()
	os.Exit(m.Run())
}

// Rows fails t unless s has want rows, each with its figure, its baseline
// and their ratio.
func Rows(t *testing.T, s *report.Section, want int) {
	t.Helper()
	if len(s.Rows) != want {
		t.Fatalf("%d rows, want %d:\n%+v", len(s.Rows), want, s.Rows)
	}
	for _, r := range s.Rows {
		if r.Ours == "" || r.Base == "" || r.Ratio == "" {
			t.Errorf("row %+v is incomplete", r)
		}
	}
}
