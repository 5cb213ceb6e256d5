//go:build !js

package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// targets are the least Go/JS ratio of each case (issue 15's).
var targets = map[string]float64{
	"roundtrip16": 0.9,
	"pipelined16": 0.9,
	"bulk1MiB":    0.85,
}

// coderTarget is the least wsapi/coder ratio of every case: ahead of
// coder/websocket's js client.
const coderTarget = 1.0

var names = map[string]string{
	"roundtrip16": "browser: 16 B round trips, 1 in flight",
	"pipelined16": "browser: 16 B messages, 100 in flight",
	"bulk1MiB":    "browser: 1 MiB round trips, 1 in flight",
}

// rawNote names the reference rows of raw syscall/js, coderNote the rows
// against coder/websocket's js client.
const (
	rawNote   = " (raw syscall/js, no wsapi: reference)"
	coderNote = ", vs coder/websocket's js client"
)

func section(res *result) *report.Section {
	s := &report.Section{Item: 2, Title: "Browser overhead: Go-WASM wsapi against plain JavaScript, one headless Chromium page"}
	var d strings.Builder
	fmt.Fprintf(&d, "One page, one echo server (the demo's /ws/echo, read limit 2 MiB, no rate limit), one socket per side.\n")
	fmt.Fprintf(&d, "Batches of the same size, JS, Go (wsapi), raw, then coder, %d each after one to warm up; each batch timed whole with performance.now();\n", res.Batches)
	fmt.Fprintf(&d, "the batch size makes a JS batch last at least %d ms. \"wsapi\" is the median of the Go batches, \"baseline\" of the JS ones;\n", res.MinMs)
	fmt.Fprintf(&d, "a ratio is the median over the rounds of the two sides' batches in the same round, which a load that drifts moves less.\n")
	fmt.Fprintf(&d, "\"raw\" is the same Go program driving the browser's WebSocket through syscall/js alone (a js.FuncOf onmessage that copies\n")
	fmt.Fprintf(&d, "e.data into Go and calls send from Go memory; no wsapi, no safejs): the floor that the Go runtime sets. Its rows have no target.\n")
	fmt.Fprintf(&d, "\"coder\" is coder/websocket's own js/wasm client in the same Go program, as its users would drive it: Write, then Read, on\n")
	fmt.Fprintf(&d, "one goroutine (read limit raised to 2 MiB); wsapi is to be ahead of it on every row.\n")
	fmt.Fprintf(&d, "User agent: %s.\n\n", res.UserAgent)
	fmt.Fprintf(&d, "| case | per batch | side | median | batches |\n|---|--:|---|--:|---|\n")
	for _, c := range res.Cases {
		for _, side := range []struct {
			name   string
			median float64
			all    []float64
		}{{"JS", c.JSMedian, c.JS}, {"Go", c.GoMedian, c.Go}, {"raw", c.RawMedian, c.Raw}, {"coder", c.CoderMedian, c.Coder}} {
			all := make([]string, len(side.all))
			for i, v := range side.all {
				all[i] = strconv.FormatFloat(v, 'f', 0, 64)
			}
			fmt.Fprintf(&d, "| %s | %d | %s | %s | %s |\n", c.Name, c.N, side.name, figure(side.median, c.Unit), strings.Join(all, " "))
		}
	}
	// row compares side a of c to side b, against target where above 0.
	row := func(c caseResult, note string, a, b []float64, aMed, bMed, target float64, values map[string]float64) report.Row {
		ratio := paired(a, b, aMed, bMed)
		values["ratio"] = ratio
		r := report.Row{Name: names[c.Name] + note, Ours: figure(aMed, c.Unit), Base: figure(bMed, c.Unit), Ratio: report.Ratio(ratio), Values: values}
		if target > 0 {
			r.Target, r.Pass = fmt.Sprintf("≥ %.2f×", target), report.Check(ratio >= target)
		}
		return r
	}
	// The wsapi rows, against JS then against coder, and the raw rows as
	// references below them.
	for _, c := range res.Cases {
		s.Rows = append(s.Rows, row(c, "", c.Go, c.JS, c.GoMedian, c.JSMedian, targets[c.Name],
			map[string]float64{"go": c.GoMedian, "js": c.JSMedian, "raw": c.RawMedian}))
	}
	for _, c := range res.Cases {
		s.Rows = append(s.Rows, row(c, coderNote, c.Go, c.Coder, c.GoMedian, c.CoderMedian, coderTarget,
			map[string]float64{"go": c.GoMedian, "coder": c.CoderMedian}))
	}
	for _, c := range res.Cases {
		s.Rows = append(s.Rows, row(c, rawNote, c.Raw, c.JS, c.RawMedian, c.JSMedian, 0,
			map[string]float64{"raw": c.RawMedian, "js": c.JSMedian}))
	}
	// Where wsapi misses, say whether the Go runtime alone (raw) would
	// have made it: if not, what is left is not wsapi's.
	for _, c := range res.Cases {
		target := targets[c.Name]
		ours := paired(c.Go, c.JS, c.GoMedian, c.JSMedian)
		if ours >= target {
			continue
		}
		raw := paired(c.Raw, c.JS, c.RawMedian, c.JSMedian)
		verdict := "raw syscall/js misses it too: the floor that the Go runtime sets (entering Go from JS, syscall/js) is below the target." +
			" Every Go side enters Go once per message the browser delivers alone (with one in flight, every one) through a js.FuncOf," +
			" whose call syscall/js makes costly: it reads the call's event, this and arguments from JavaScript one property at a time," +
			" as js.Values with finalizers, and the runtime parks the calling goroutine until every other one is idle." +
			" What would move it is a cheaper way in, such as a //go:wasmexport function (Go builds them for js/wasm too), which is entered" +
			" with no js.Value but runs no other goroutine unless it yields: the socket's dispatcher would have to run the handler before" +
			" the export returns, without ever leaving a goroutine runnable while Go waits for JavaScript"
		if raw >= target {
			verdict = "raw syscall/js reaches it: the rest is wsapi's own cost"
		}
		fmt.Fprintf(&d, "\n%s: wsapi %s, raw %s of JS, target %s: %s.\n", c.Name, report.Ratio(ours), report.Ratio(raw), report.Ratio(target), verdict)
	}
	if slices.ContainsFunc(s.Rows, func(r report.Row) bool { return r.Result() == "MISS" }) {
		fmt.Fprintf(&d, "\nTargets missed. One more batch of each case and side, four times the size, ran under the page's sampling profiler\n")
		fmt.Fprintf(&d, "(the JS Self-Profiling API: JavaScript and WebAssembly frames; a sample with no stack is the renderer outside both,\n")
		fmt.Fprintf(&d, "such as the browser's own WebSocket work and idle time waiting for the network). Samples per function, on top of the stack and anywhere in it:\n")
		for _, p := range res.Profiles {
			fmt.Fprintf(&d, "\n%s, %s: %d messages in %.2f s, %d samples, %.1f µs a message in JS and wasm\n\n```\n",
				p.Name, p.Side, p.N, p.Seconds, p.Samples, p.busy())
			for _, l := range []struct {
				what string
				list [][]any
			}{{"self", p.Self}, {"total", p.Total}} {
				fmt.Fprintf(&d, "%s:\n", l.what)
				for _, e := range l.list {
					if len(e) == 2 {
						fmt.Fprintf(&d, "%6v  %v\n", e[1], e[0])
					}
				}
			}
			fmt.Fprintf(&d, "```\n")
		}
	}
	s.Detail = d.String()
	return s
}

// paired is the ratio of side a to side b: the median over the rounds of
// a's batch over b's in the same round, which a load that drifts over the
// run moves less than the ratio of the two medians; without the batches
// (or with a zero), the ratio of the medians.
func paired(a, b []float64, aMedian, bMedian float64) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return aMedian / bMedian
	}
	r := make([]float64, len(a))
	for i := range a {
		if b[i] <= 0 {
			return aMedian / bMedian
		}
		r[i] = a[i] / b[i]
	}
	slices.Sort(r)
	if n := len(r); n%2 == 0 {
		return (r[n/2-1] + r[n/2]) / 2
	}
	return r[len(r)/2]
}

func figure(v float64, unit string) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f %s", v, unit)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}
