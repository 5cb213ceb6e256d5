//go:build !js

package main

import (
	"context"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/smoke"
)

func TestMain(m *testing.M) { smoke.Main(m) }

// TestSmoke runs the whole benchmark on a few connections.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := run(ctx, 20, "")
	if err != nil {
		t.Fatal(err)
	}
	smoke.Rows(t, s, 6) // 4 of the server, 2 of the client
	for _, r := range s.Rows {
		if r.Pass == nil {
			t.Errorf("row %q has no target", r.Name)
		}
	}
}
