//go:build !js

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"
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
	root, err := moduleRoot()
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
