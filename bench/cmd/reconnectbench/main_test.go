//go:build !js

package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
)

func TestMain(m *testing.M) {
	benchsrv.MaybeServe() // the child server is this test binary
	os.Exit(m.Run())
}

// TestSmoke runs the whole benchmark small: it proves that the program
// runs, not how it measures.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := run(ctx, 3, 20)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 2 {
		t.Fatalf("%d rows, want 2", len(s.Rows))
	}
	for _, r := range s.Rows {
		if r.Ours == "" || r.Base == "" || r.Ratio == "" {
			t.Errorf("row %+v is incomplete", r)
		}
	}
}
