//go:build !js

// Command nativebench sums up the native benchmarks of `make bench` (item
// 1): it reads the output of wsapi's BenchmarkEcho, run several times
// (ci/bench.sh runs the test binary once per count, so that the counts
// interleave), and writes the ratios of wsapi to raw coder/websocket as a
// report.Section for benchreport.
//
// For each message size and number in flight, the throughput ratio is
// coder/websocket's ns/op over wsapi's, paired by run (the clients of one
// size and depth run next to each other in every run), and its median over
// the runs, with the distribution-free confidence interval of that median.
// The targets are issue 15's, against what a coder/websocket user writes:
// with one message in flight, Write then Read on one goroutine, wsapi ≥
// 0.9× of both Read and a reused Reader at 16 B and 512 B, ≥ 0.85× of Read
// at 64 KiB; with 32 in flight, ≥ 0.95× of Read; and at most 2 more
// allocations per message than Read. The other rows are information: the
// Reader where it has no target, and coder-handoff, Read with its writes
// handed to a goroutine, the hand-off wsapi pays (see the note it writes).
//
// It parses the standard benchmark format itself, so that the module
// needs no golang.org/x/perf; benchstat prints the full comparison.
//
//	go run ./bench/cmd/nativebench -json .cache/bench/1-native.json .cache/bench/native.txt
package main

import (
	"bufio"
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// maxMoreAlloc is the target of allocations per message above
// coder/websocket's Read.
const maxMoreAlloc = 2

// The clients of BenchmarkEcho, as its names have them.
const (
	wsapiClient   = "wsapi"
	readClient    = "coder-read"
	readerClient  = "coder-reader"
	handoffClient = "coder-handoff"
)

// baselines are the coder clients, in the order of the rows.
var baselines = []string{readClient, readerClient, handoffClient}

// minRatio is issue 15's target of wsapi's throughput over base's in case
// c, and false where the row is information.
func minRatio(c case_, base string) (float64, bool) {
	switch {
	case c.inFlight > 1 && base == readClient:
		return 0.95, true
	case c.inFlight > 1 || base == handoffClient:
		return 0, false
	case c.size >= 64<<10 && base == readClient:
		return 0.85, true
	case c.size < 64<<10:
		return 0.9, true
	}
	return 0, false
}

func main() {
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: nativebench [-json file] [bench.txt]\n\nReads go test -bench output of wsapi's BenchmarkEcho (standard input when no file is named).")
		flag.PrintDefaults()
	}
	flag.Parse()
	in := io.Reader(os.Stdin)
	if flag.NArg() > 1 {
		flag.Usage()
		os.Exit(2)
	}
	if flag.NArg() == 1 {
		f, err := os.Open(flag.Arg(0))
		if err != nil {
			fmt.Fprintln(os.Stderr, "nativebench:", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	s, err := run(in)
	report.Finish("nativebench", s, err, *jsonOut)
}

// case_ is one size and depth of BenchmarkEcho.
type case_ struct{ size, inFlight int }

// sample is one result line, one client's figures in one run, by unit
// (ns/op, B/op, allocs/op).
type sample map[string]float64

// results holds every sample, by case and client, in the order of the
// runs.
type results map[case_]map[string][]sample

// parse reads the benchmark lines of BenchmarkEcho, such as
//
//	BenchmarkEcho/size=16/inflight=1/client=wsapi-2  42028  36049 ns/op  0.44 MB/s  32 B/op  2 allocs/op
//
// and skips every other line.
func parse(r io.Reader) (results, error) {
	res := results{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkEcho/") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line: a benchmark's log
		}
		c, client, ok := parseName(f[0])
		if !ok {
			return nil, fmt.Errorf("cannot read the name of %q", sc.Text())
		}
		s := sample{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("cannot read %q in %q", f[i], sc.Text())
			}
			s[f[i+1]] = v
		}
		if s["ns/op"] <= 0 {
			return nil, fmt.Errorf("no ns/op in %q", sc.Text())
		}
		if res[c] == nil {
			res[c] = map[string][]sample{}
		}
		res[c][client] = append(res[c][client], s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(res) == 0 {
		return nil, errors.New("no BenchmarkEcho results")
	}
	return res, nil
}

// parseName reads "BenchmarkEcho/size=16/inflight=1/client=wsapi-2".
func parseName(name string) (c case_, client string, ok bool) {
	// The -GOMAXPROCS suffix, which go test leaves out when it is 1.
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i]
		}
	}
	for _, p := range strings.Split(name, "/")[1:] {
		k, v, _ := strings.Cut(p, "=")
		var err error
		switch k {
		case "size":
			c.size, err = strconv.Atoi(v)
		case "inflight":
			c.inFlight, err = strconv.Atoi(v)
		case "client":
			client = v
		}
		if err != nil {
			return c, "", false
		}
	}
	return c, client, c.size > 0 && c.inFlight > 0 && client != ""
}

// run reads the results and makes the section: for each case, its
// throughput against each baseline and its allocations against Read.
func run(r io.Reader) (*report.Section, error) {
	res, err := parse(r)
	if err != nil {
		return nil, err
	}
	cases := slices.SortedFunc(maps.Keys(res), func(a, b case_) int {
		return cmp.Or(a.size-b.size, a.inFlight-b.inFlight)
	})
	s := &report.Section{Item: 1, Title: "Native overhead: wsapi's echo round trips against raw coder/websocket's, over loopback TCP."}
	runs := 0
	for _, c := range cases {
		w := res[c][wsapiClient]
		if len(w) == 0 {
			return nil, fmt.Errorf("%s: no results of the wsapi client", c)
		}
		runs = max(runs, len(w))
		wNs, wAllocs := medianOf(w, "ns/op"), medianOf(w, "allocs/op")
		for _, base := range baselines {
			b := res[c][base]
			if len(b) == 0 {
				if base == handoffClient {
					continue // only with one message in flight
				}
				return nil, fmt.Errorf("%s: no results of the %s client", c, base)
			}
			rs := pairedRatios(w, b)
			ci := medianCI(rs, 0.95)
			bNs := medianOf(b, "ns/op")
			row := report.Row{
				Name:  fmt.Sprintf("native: %s, vs coder %s", c, baseName(base)),
				Ours:  throughput(c.size, wNs),
				Base:  throughput(c.size, bNs),
				Ratio: fmt.Sprintf("%s (%.2f–%.2f)", report.Ratio(ci.median), ci.lo, ci.hi),
				Values: map[string]float64{
					"wsapi_ns_op": wNs, "base_ns_op": bNs,
					"ratio": ci.median, "ratio_lo": ci.lo, "ratio_hi": ci.hi, "confidence": ci.conf, "runs": float64(len(rs)),
				},
			}
			if min, ok := minRatio(c, base); ok {
				row.Target = fmt.Sprintf("≥ %.2f×", min)
				row.Pass = report.Check(ci.median >= min)
			} else {
				row.Name += " (info)"
			}
			s.Rows = append(s.Rows, row)
		}
		bAllocs := medianOf(res[c][readClient], "allocs/op")
		s.Rows = append(s.Rows, report.Row{
			Name:   fmt.Sprintf("native: %s, allocs/message vs coder Read", c),
			Ours:   strconv.FormatFloat(wAllocs, 'f', -1, 64),
			Base:   strconv.FormatFloat(bAllocs, 'f', -1, 64),
			Ratio:  fmt.Sprintf("%+g", wAllocs-bAllocs),
			Target: fmt.Sprintf("≤ +%d", maxMoreAlloc),
			Pass:   report.Check(wAllocs-bAllocs <= maxMoreAlloc),
			Values: map[string]float64{"wsapi_allocs_op": wAllocs, "base_allocs_op": bAllocs},
		})
	}
	s.Detail = detail(res, cases, runs)
	return s, nil
}

func (c case_) String() string {
	size := fmt.Sprintf("%d B", c.size)
	if c.size >= 1<<10 && c.size%(1<<10) == 0 {
		size = fmt.Sprintf("%d KiB", c.size>>10)
	}
	return fmt.Sprintf("%s echoes, %d in flight", size, c.inFlight)
}

func baseName(client string) string {
	switch client {
	case readerClient:
		return "Reader"
	case handoffClient:
		return "Read, writes handed to a goroutine"
	}
	return "Read"
}

// throughput formats one message every ns nanoseconds: in messages a
// second for small messages, in MB/s for large ones.
func throughput(size int, ns float64) string {
	perSec := 1e9 / ns
	if size >= 4<<10 {
		return fmt.Sprintf("%.0f MB/s", perSec*float64(size)/1e6)
	}
	return fmt.Sprintf("%.0f messages/s", perSec)
}

// values are the samples' figures in unit, NaN where one has none.
func values(ss []sample, unit string) []float64 {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		v, ok := s[unit]
		if !ok {
			v = math.NaN()
		}
		xs[i] = v
	}
	return xs
}

func medianOf(ss []sample, unit string) float64 { return median(values(ss, unit)) }

// detail says how the runs were made and read, and gives every client's
// figures.
func detail(res results, cases []case_, runs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wsapi's BenchmarkEcho ([`wsapi/bench_native_test.go`](wsapi/bench_native_test.go)): echo round trips over loopback TCP\n")
	fmt.Fprintf(&b, "to a coder/websocket echo server, compression off, one op being one message sent and received back, with one message\n")
	fmt.Fprintf(&b, "or 32 in flight. %d runs of the test binary, each a process that runs every case once, the clients of a case next to\n", runs)
	fmt.Fprintf(&b, "each other in an order that rotates from run to run, so that a drift of the machine hits every client alike.\n\n")
	fmt.Fprintf(&b, "A ratio is wsapi's throughput over coder/websocket's: coder/websocket's ns/op over wsapi's in the same run, the median\n")
	fmt.Fprintf(&b, "over the runs, and in brackets the distribution-free confidence interval of that median, as benchstat's ± (%s).\n", ciWords(runs))
	fmt.Fprintf(&b, "The machine is shared and noisy: a ratio whose interval holds 1 is a difference the runs could not tell.\n")
	fmt.Fprintf(&b, "The targets are judged on the median.\n\n")
	fmt.Fprintf(&b, "The coder/websocket clients are what its users write. With one message in flight, `Write` then `Read` on one\n")
	fmt.Fprintf(&b, "goroutine (coder-read), or `Reader` into one buffer that the benchmark reuses (coder-reader); with 32, the same\n")
	fmt.Fprintf(&b, "reads and the writes from a goroutine of their own. coder-handoff, one in flight only, is information: `Read` with\n")
	fmt.Fprintf(&b, "its writes handed to a goroutine. `Read` returns a new slice for every message, as wsapi must; a message `Reader`\n")
	fmt.Fprintf(&b, "reads lives only until the next read. wsapi keeps the browser's contract: `SendBinary` copies its argument, which\n")
	fmt.Fprintf(&b, "the caller may reuse at once, and a `MessageEvent`'s `Data` belongs to the handler, which may keep it. Those are\n")
	fmt.Fprintf(&b, "wsapi's two allocations and twice the message's size in B/op.\n\n")
	fmt.Fprintf(&b, "| case | client | µs per message (range) | throughput | B/op | allocs/op |\n|---|---|--:|--:|--:|--:|\n")
	for _, c := range cases {
		for _, client := range append([]string{wsapiClient}, baselines...) {
			ss := res[c][client]
			if len(ss) == 0 {
				continue
			}
			ns := values(ss, "ns/op")
			med := median(ns)
			fmt.Fprintf(&b, "| %s | %s | %.1f (%.1f–%.1f) | %s | %s | %s |\n", c, client, med/1e3, slices.Min(ns)/1e3, slices.Max(ns)/1e3,
				throughput(c.size, med), round(medianOf(ss, "B/op")), round(medianOf(ss, "allocs/op")))
		}
	}
	fmt.Fprintln(&b)
	return b.String()
}

func round(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
}
