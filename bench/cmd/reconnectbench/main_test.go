//go:build !js

package main

import (
	"context"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/smoke"
)

func TestMain(m *testing.M) { smoke.Main(m) }

// TestSmoke runs the whole benchmark small.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := run(ctx, 3, 20, 10)
	if err != nil {
		t.Fatal(err)
	}
	smoke.Rows(t, s, 3)
}
