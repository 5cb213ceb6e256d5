//go:build !js

package main

import (
	"context"
	"io"
	"os"
	"strings"
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

// TestSmokeNATS runs the cluster comparison (-nats) on a tiny room: a
// nats-server and two servers sharing the room through it, beside one
// server, every receiver getting every message in both.
func TestSmokeNATS(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cfg := config{
		sizes:     []int{4},
		duration:  200 * time.Millisecond,
		interval:  5 * time.Millisecond,
		rounds:    2,
		rateLimit: -1,
	}
	var log io.Writer = io.Discard
	if testing.Verbose() {
		log = os.Stderr
	}
	s, err := runCluster(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	smoke.Rows(t, s, 3)
	// p99 is -1 (infinite) when more than 1% of the deliveries were
	// missing; a rate of 0 when none were made.
	lat, rate := s.Rows[0].Values, s.Rows[1].Values
	for _, k := range []string{"p99_nats_ms", "p99_one_ms", "p50_nats_ms", "p50_one_ms"} {
		if lat[k] < 0 {
			t.Errorf("%s: messages were lost:\n%s", k, s.Detail)
		}
	}
	for _, k := range []string{"nats_per_s", "one_per_s"} {
		if rate[k] <= 0 {
			t.Errorf("%s = %v: nothing delivered:\n%s", k, rate[k], s.Detail)
		}
	}
	if !strings.Contains(s.Detail, "| 4 | NATS |") {
		t.Errorf("the detail lacks the NATS setup's line:\n%s", s.Detail)
	}
}
