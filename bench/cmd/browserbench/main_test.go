//go:build !js

package main

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/gomod"
)

// TestSmoke runs the page once with tiny batches: it proves that the
// program, the page and its Go side still run, not how they measure. It
// needs Chromium: without one it is skipped, unless CI is set.
func TestSmoke(t *testing.T) {
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		browser = "chromium"
	}
	if _, err := exec.LookPath(browser); err != nil {
		if errors.Is(err, exec.ErrNotFound) && os.Getenv("CI") == "" {
			t.Skipf("no Chromium (%v): make test installs it", err)
		}
		t.Fatal(err)
	}
	root, err := gomod.Root()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cfg := config{root: root, batches: 1, minMs: 1, max: 8, timeout: 2 * time.Minute}
	res, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	s := section(res)
	if len(s.Rows) != 9 {
		t.Fatalf("%d rows, want 9 (3 of wsapi against JS, 3 against coder, 3 of raw syscall/js):\n%+v", len(s.Rows), s.Rows)
	}
	for _, c := range res.Cases {
		if c.JSMedian <= 0 || c.GoMedian <= 0 || c.RawMedian <= 0 || c.CoderMedian <= 0 {
			t.Errorf("%s: a side has no rate: %+v", c.Name, c)
		}
	}
	if len(res.Profiles) != 12 {
		t.Errorf("%d profiles, want 12", len(res.Profiles))
	}
}

// TestSection checks the section's rows and notes on made-up figures: the
// wsapi rows carry the targets, against JS and against coder, the raw rows
// none, and a miss says whether raw syscall/js would have made it.
func TestSection(t *testing.T) {
	res := &result{Batches: 1, MinMs: 1, Cases: []caseResult{
		{Name: "roundtrip16", Unit: "round trips/s", N: 8, JSMedian: 100, GoMedian: 70, RawMedian: 72, CoderMedian: 50},
		{Name: "pipelined16", Unit: "messages/s", N: 8, JSMedian: 100, GoMedian: 80, RawMedian: 95, CoderMedian: 100},
		{Name: "bulk1MiB", Unit: "MB/s", N: 2, JSMedian: 100, GoMedian: 86, RawMedian: 90, CoderMedian: 43},
	}}
	s := section(res)
	if len(s.Rows) != 9 {
		t.Fatalf("%d rows, want 9", len(s.Rows))
	}
	for i, r := range s.Rows {
		if (r.Pass != nil) != (i < 6) {
			t.Errorf("row %d %q: Pass %v; only the first six (wsapi) have a target", i, r.Name, r.Pass)
		}
	}
	if got := s.Rows[3].Values["ratio"]; got != 1.4 {
		t.Errorf("round-trip ratio to coder %v, want 1.4", got)
	}
	if *s.Rows[4].Pass || !*s.Rows[5].Pass {
		t.Errorf("against coder: pipelined (0.80×) passed or bulk (2.00×) missed: %+v", s.Rows[3:6])
	}
	if got := s.Rows[6].Values["ratio"]; got != 0.72 {
		t.Errorf("raw round-trip ratio %v, want 0.72", got)
	}
	for _, want := range []string{
		"roundtrip16: wsapi 0.70×, raw 0.72× of JS, target 0.90×: raw syscall/js misses it too",
		"pipelined16: wsapi 0.80×, raw 0.95× of JS, target 0.90×: raw syscall/js reaches it",
	} {
		if !strings.Contains(s.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, s.Detail)
		}
	}
	p := profile{N: 100, Seconds: 0.5, Samples: 50, Self: [][]any{{outsideName, 40.0}, {"f", 10.0}}}
	if got := p.busy(); math.Abs(got-1000) > 1e-6 {
		t.Errorf("busy %v µs a message, want 1000 (a fifth of 0.5 s over 100)", got)
	}
	if got := paired([]float64{1, 4, 9}, []float64{2, 2, 3}, 4, 2); got != 2 {
		t.Errorf("paired ratio of rounds 0.5, 2, 3: %v, want their median 2", got)
	}
	if strings.Contains(s.Detail, "bulk1MiB: wsapi") {
		t.Errorf("detail has a note on bulk1MiB, which passed:\n%s", s.Detail)
	}
}
