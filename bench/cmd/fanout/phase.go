//go:build !js

package main

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// maxPhases bounds the phases of a run: two per room size, one profile.
const maxPhases = 16

// phase is what one phase measured.
type phase struct {
	receivers  int           // reading receivers
	sent       int           // messages the publisher sent
	lat        []int32       // µs, sorted
	expected   int           // sent × reading receivers
	lost       int           // reading receivers that the server closed
	pubClosed  bool          // the server closed the publisher: the phase ended there
	stalled    int           // receivers told to stop reading
	kicked     int           // of those, closed by the server
	kicked1008 int           // of those, with 1008
	kickedBy   time.Duration // when the last stalled receiver was closed, from the phase's start
	firstKick  time.Duration // when the first was
	// With stalled receivers, the others' p99 of the messages sent
	// around the closes (from 100 ms before the first to 400 ms after
	// the last) and of the rest.
	p99Around, p99Away time.Duration
	elapsed            time.Duration
	used               usage   // over the phase
	wall               float64 // seconds used was taken over
	label              string  // which phase of its step
}

// cores is secs of CPU over the phase in cores, on average.
func (p *phase) cores(secs float64) float64 { return secs / max(p.wall, 1e-9) }

// slowest is the largest latency delivered, never if none was.
func (p *phase) slowest() time.Duration {
	if len(p.lat) == 0 {
		return never
	}
	return time.Duration(p.lat[len(p.lat)-1]) * time.Microsecond
}

// never is the latency of a message that was not delivered.
const never = time.Duration(math.MaxInt64)

// pct is the q-quantile of the latencies of all the messages expected,
// never when more than 1-q of them were not delivered.
func (p *phase) pct(q float64) time.Duration {
	if p.expected == 0 {
		return never
	}
	i := min(int(q*float64(p.expected)), p.expected-1)
	if i >= len(p.lat) {
		return never
	}
	return time.Duration(p.lat[i]) * time.Microsecond
}

// p99 is the 0.99-quantile of the delivered latencies l, in µs.
func p99(l []int32) time.Duration {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	return time.Duration(l[min(len(l)*99/100, len(l)-1)]) * time.Microsecond
}

// broken says that the server could not keep up: it closed reading
// receivers, or the publisher.
func (p *phase) broken() bool { return p.lost > 0 || p.pubClosed }

// step is one room size: a phase without stalled receivers, one with,
// and one more without, whose latencies together are normal; stall is
// nil when the room broke down without them.
type step struct {
	size          int
	phases        []*phase // as they ran
	normal, stall *phase
	joinTime      time.Duration
}

// merge is the phases a and b as one, for their latencies together; a
// nil one is none.
func merge(a, b *phase) *phase {
	if a == nil || b == nil {
		return cmp.Or(a, b)
	}
	m := *a
	m.lat = append(slices.Clip(a.lat), b.lat...)
	slices.Sort(m.lat)
	m.sent += b.sent
	m.expected += b.expected
	m.lost += b.lost
	m.pubClosed = a.pubClosed || b.pubClosed
	m.used = a.used.plus(1, b.used)
	m.wall += b.wall
	m.elapsed += b.elapsed
	return &m
}
