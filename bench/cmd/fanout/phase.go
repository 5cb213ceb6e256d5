//go:build !js

package main

import (
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
	serverCPU          float64 // cores, on average over the phase
	serverSecs         float64 // CPU seconds of the servers over the phase
	natsSecs           float64 // CPU seconds of nats-server over the phase, if any
	wall               float64 // seconds the CPU times were taken over
	serverWrites       int64   // write system calls of the servers over the phase; -1 unknown
	clientCPU          float64
	busyCPU            float64 // the whole machine's
	label              string  // which phase of its step
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

// merge is the phases a and b as one, for their latencies together.
func merge(a, b *phase) *phase {
	m := *a
	m.lat = append(slices.Clip(a.lat), b.lat...)
	slices.Sort(m.lat)
	m.sent += b.sent
	m.expected += b.expected
	m.lost += b.lost
	m.pubClosed = a.pubClosed || b.pubClosed
	// The CPU figures of both: seconds add up, cores are averaged.
	if w := a.wall + b.wall; w > 0 {
		m.serverCPU = (a.serverCPU*a.wall + b.serverCPU*b.wall) / w
		m.clientCPU = (a.clientCPU*a.wall + b.clientCPU*b.wall) / w
		m.busyCPU = (a.busyCPU*a.wall + b.busyCPU*b.wall) / w
	}
	m.wall += b.wall
	m.elapsed += b.elapsed
	m.serverSecs += b.serverSecs
	m.natsSecs += b.natsSecs
	if a.serverWrites < 0 || b.serverWrites < 0 {
		m.serverWrites = -1
	} else {
		m.serverWrites += b.serverWrites
	}
	return &m
}
