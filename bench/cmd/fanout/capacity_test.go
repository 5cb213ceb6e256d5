//go:build !js

package main

import (
	"strings"
	"testing"
	"time"
)

// TestCapacityNote: a room of 1,000 that lost nothing sets the cost (2 s
// of machine CPU, 1 of the server's, over 100,000 deliveries: 20 and 10 µs
// each); 5,000 receivers at one message every 10 ms need 500,000/s, of
// which 2 cores deliver 100,000 (0.20×); a 3× target on a 2 ms p99 at 100
// allows 6 ms, or 2.4 µs of server CPU per delivery on 2 cores.
func TestCapacityNote(t *testing.T) {
	lat := func(n int, us int32) []int32 {
		l := make([]int32, n)
		for i := range l {
			l[i] = us
		}
		return l
	}
	small := &phase{receivers: 100, lat: lat(1000, 2000), expected: 1000}
	big := &phase{receivers: 1000, lat: lat(100000, 30000), expected: 100000, used: usage{servers: 1, machine: 2}}
	lost := &phase{receivers: 5000, lat: lat(10, 900000), expected: 50000, lost: 5000, pubClosed: true}
	steps := []*step{
		{size: 100, phases: []*phase{small}, normal: small},
		{size: 1000, phases: []*phase{big}, normal: big},
		{size: 5000, phases: []*phase{lost}, normal: lost},
	}
	got := capacityNote(steps, 10*time.Millisecond, 2)
	for _, want := range []string{
		"5000 receivers need 500000 deliveries/s",
		"At 1000 receivers",
		"20.0 µs of CPU per delivery (the server 10.0",
		"its 2 cores deliver about 100000/s, 0.20× what 5000 receivers need",
		"within 6.00 ms (3.0× the p99 at 100)",
		"at most 2.4 µs of CPU per delivery on 2 cores, against the 10.0 it spent",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("note lacks %q:\n%s", want, got)
		}
	}
	// No room that lost nothing: no cost to go by.
	steps[0].phases[0].lost, steps[1].phases[0].lost = 1, 1
	if got := capacityNote(steps, 10*time.Millisecond, 2); got != "" {
		t.Errorf("with every room losing, note %q, want none", got)
	}
}
