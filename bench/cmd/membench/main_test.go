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
	benchsrv.MaybeServe() // the child servers are this test binary
	os.Exit(m.Run())
}

// TestSmoke runs the whole benchmark on a few connections: it proves that
// the program runs, not how it measures.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := run(ctx, 20, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Rows) != 6 {
		t.Fatalf("%d rows, want 6 (4 of the server, 2 of the client)", len(s.Rows))
	}
	for _, r := range s.Rows {
		if r.Ours == "" || r.Base == "" || r.Pass == nil {
			t.Errorf("row %+v is incomplete", r)
		}
	}
}
