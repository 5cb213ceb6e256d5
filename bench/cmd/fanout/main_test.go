//go:build !js

package main

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/smoke"
)

func TestMain(m *testing.M) { smoke.Main(m) }

// TestSmoke runs the whole benchmark on tiny rooms, with a quick publisher
// so that the stalled receiver's buffers fill in a moment: it proves that
// the program runs and the server closes the stalled one, not how it
// measures.
func TestSmoke(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cfg := config{
		sizes:    []int{3, 6},
		duration: 300 * time.Millisecond,
		stallMax: 20 * time.Second,
		interval: time.Millisecond,
		// The server allows 100 messages a second by default.
		rateLimit: -1,
	}
	var log io.Writer = io.Discard
	if testing.Verbose() {
		log = os.Stderr
	}
	s, err := run(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	smoke.Rows(t, s, 3)
	for _, r := range s.Rows[1:] {
		if r.Values["closed_1008"] != 1 {
			t.Errorf("%s: the stalled receiver was not closed with 1008:\n%s", r.Name, s.Detail)
		}
	}
}
