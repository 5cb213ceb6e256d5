//go:build !js

package main

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// ratio is a/b, infinite when a message of a was never delivered.
func ratio(a, b time.Duration) float64 {
	if a == never || b <= 0 {
		return math.Inf(1)
	}
	return float64(a) / float64(b)
}

// scalePass: p99 at the largest room at most maxScale times the smallest's.
func scalePass(steps []*step) bool {
	first, last := steps[0], steps[len(steps)-1]
	return ratio(last.normal.pct(0.99), first.normal.pct(0.99)) <= maxScale
}

// stallPass: the others' p99 at most maxStall times what it was without
// stalled receivers, none of them closed, and every stalled one closed
// with 1008.
func stallPass(st *step) bool {
	return ratio(st.stall.pct(0.99), st.normal.pct(0.99)) <= maxStall &&
		st.stall.kicked1008 == st.stall.stalled && !st.stall.broken()
}

func ms(d time.Duration) string {
	if d == never {
		return "lost"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

func msf(d time.Duration) float64 {
	if d == never {
		return math.Inf(1)
	}
	return float64(d) / float64(time.Millisecond)
}

func section(cfg config, steps []*step, profile string) *report.Section {
	s := &report.Section{Item: 5, Title: fmt.Sprintf("Fan-out: chat delivery latency, one message every %v", cfg.interval)}
	first, last := steps[0], steps[len(steps)-1]
	sr := ratio(last.normal.pct(0.99), first.normal.pct(0.99))
	s.Rows = append(s.Rows, report.Row{
		Name:   fmt.Sprintf("fan-out: p99 at %d vs %d clients", last.size, first.size),
		Ours:   ms(last.normal.pct(0.99)),
		Base:   ms(first.normal.pct(0.99)),
		Ratio:  report.Ratio(sr),
		Target: fmt.Sprintf("≤ %.1f×", maxScale),
		Pass:   report.Check(scalePass(steps)),
		Values: map[string]float64{"p99_large_ms": finite(msf(last.normal.pct(0.99))), "p99_small_ms": finite(msf(first.normal.pct(0.99))), "ratio": finite(sr)},
	})
	for _, st := range steps {
		if st.stall == nil {
			s.Rows = append(s.Rows, report.Row{
				Name: fmt.Sprintf("fan-out: p99 at %d, 1%% stalled", st.size),
				Ours: "not run",
				Base: ms(st.normal.pct(0.99)),
			})
			continue
		}
		r := ratio(st.stall.pct(0.99), st.normal.pct(0.99))
		s.Rows = append(s.Rows, report.Row{
			Name:   fmt.Sprintf("fan-out: p99 at %d, %d stalled (closed 1008: %d)", st.size, st.stall.stalled, st.stall.kicked1008),
			Ours:   ms(st.stall.pct(0.99)),
			Base:   ms(st.normal.pct(0.99)),
			Ratio:  report.Ratio(r),
			Target: fmt.Sprintf("≤ %.1f×, all closed", maxStall),
			Pass:   report.Check(stallPass(st)),
			Values: map[string]float64{"p99_stalled_ms": finite(msf(st.stall.pct(0.99))), "p99_ms": finite(msf(st.normal.pct(0.99))), "ratio": finite(r),
				"stalled": float64(st.stall.stalled), "closed_1008": float64(st.stall.kicked1008)},
		})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "The demo's server (package server, default options: send queue of 64) in a child process; the receivers, and a publisher\n")
	fmt.Fprintf(&d, "saying one timestamped message every %v, in this process. Latency runs from the publisher's write to a receiver's read;\n", cfg.interval)
	fmt.Fprintf(&d, "a message never delivered (its receiver closed by the server) counts as infinitely late, \"lost\".\n")
	fmt.Fprintf(&d, "Each room size runs three phases: without stalled receivers (before), with 1%% of them stalled, and without (after). Stalled receivers\n")
	fmt.Fprintf(&d, "stop reading when their phase starts, which lasts until the server has closed them all (at least %v, at most %v). The table's\n", cfg.duration, cfg.stallMax)
	fmt.Fprintf(&d, "figure without stalled receivers is the p99 of before and after together; the others' p99 with them is the stalled phase's.\n")
	fmt.Fprintf(&d, "\"Around the closes\" are the messages sent from 100 ms before the server closed the first stalled receiver to 400 ms after the last.\n")
	fmt.Fprintf(&d, "CPU is in cores on average over the phase, of the %d the machine has: the server's process, the clients' and the machine's whole.\n", runtime.NumCPU())
	fmt.Fprintf(&d, "Server µs/delivery is the server's CPU time per message delivered, and writes/delivery its write system calls per message\n")
	fmt.Fprintf(&d, "delivered (below 1 when it sends several messages with one).\n\n")
	fmt.Fprintf(&d, "| receivers | phase | messages | delivered | p50 | p99 | max | closed by server | stalled closed (1008) | closed at | p99 around the closes, away | server CPU | client CPU | machine CPU | server µs/delivery | server writes/delivery | join time |\n")
	fmt.Fprintf(&d, "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, st := range steps {
		for i, ph := range st.phases {
			closed, by, split, join := "", "", "", ""
			if ph.stalled > 0 {
				closed = fmt.Sprintf("%d of %d (%d)", ph.kicked, ph.stalled, ph.kicked1008)
			}
			if ph.kicked > 0 {
				by = ph.firstKick.Round(10*time.Millisecond).String() + " to " + ph.kickedBy.Round(10*time.Millisecond).String()
				split = ms(ph.p99Around) + ", " + ms(ph.p99Away)
			}
			if i == 0 {
				join = st.joinTime.Round(10 * time.Millisecond).String()
			}
			lost := strconv.Itoa(ph.lost)
			if ph.pubClosed {
				lost = "all, the publisher too"
			}
			fmt.Fprintf(&d, "| %d | %s | %d | %d of %d | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s |\n",
				ph.receivers, ph.label, ph.sent, len(ph.lat), ph.expected,
				ms(ph.pct(0.5)), ms(ph.pct(0.99)), ms(ph.slowest()), lost, closed, by, split,
				ph.cores(ph.used.servers), ph.cores(ph.used.self), ph.cores(ph.used.machine), µsPer(ph.used.servers, len(ph.lat)), writesPer(ph), join)
		}
	}
	for _, st := range steps {
		if st.stall == nil {
			fmt.Fprintf(&d, "\nAt %d receivers no phase with stalled receivers ran: without them already, the server closed receivers (or the publisher) as too slow.\n", st.size)
		}
	}
	if !scalePass(steps) {
		d.WriteString(capacityNote(steps, cfg.interval, runtime.NumCPU()))
	}
	if profile != "" {
		fmt.Fprintf(&d, "\nA target was missed. The server's CPU profile over the phase at %d receivers:\n\n```\n%s\n```\n", last.size, profile)
	}
	s.Detail = d.String()
	return s
}

// finite keeps JSON happy, which has no infinity.
func finite(f float64) float64 {
	if math.IsInf(f, 0) {
		return -1
	}
	return f
}
