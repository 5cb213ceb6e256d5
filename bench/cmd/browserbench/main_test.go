//go:build !js

package main

import (
	"context"
	"errors"
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
	if len(s.Rows) != 6 {
		t.Fatalf("%d rows, want 6 (3 of wsapi, 3 of raw syscall/js):\n%+v", len(s.Rows), s.Rows)
	}
	for _, r := range s.Rows {
		if r.Values["raw"] <= 0 || r.Values["js"] <= 0 || (r.Pass != nil && r.Values["go"] <= 0) {
			t.Errorf("%s: no rate: %+v", r.Name, r.Values)
		}
	}
	if len(res.Profiles) != 9 {
		t.Errorf("%d profiles, want 9", len(res.Profiles))
	}
}

// TestSection checks the section's rows and notes on made-up figures: the
// wsapi rows carry the targets, the raw rows none, and a miss says whether
// raw syscall/js would have made it.
func TestSection(t *testing.T) {
	res := &result{Batches: 1, MinMs: 1, Cases: []caseResult{
		{Name: "roundtrip16", Unit: "round trips/s", N: 8, JSMedian: 100, GoMedian: 70, RawMedian: 72},
		{Name: "pipelined16", Unit: "messages/s", N: 8, JSMedian: 100, GoMedian: 80, RawMedian: 95},
		{Name: "bulk1MiB", Unit: "MB/s", N: 2, JSMedian: 100, GoMedian: 85, RawMedian: 90},
	}}
	s := section(res)
	if len(s.Rows) != 6 {
		t.Fatalf("%d rows, want 6", len(s.Rows))
	}
	for i, r := range s.Rows {
		if (r.Pass != nil) != (i < 3) {
			t.Errorf("row %d %q: Pass %v; only the first three (wsapi) have a target", i, r.Name, r.Pass)
		}
	}
	if got := s.Rows[3].Values["ratio"]; got != 0.72 {
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
	if strings.Contains(s.Detail, "bulk1MiB: wsapi") {
		t.Errorf("detail has a note on bulk1MiB, which passed:\n%s", s.Detail)
	}
}
