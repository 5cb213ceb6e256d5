//go:build !js

package main

import (
	"math"
	"strings"
	"testing"
)

// output is two interleaved runs of one case, with a benchmark's log line,
// the header and the PASS of go test around them.
const output = `goos: linux
goarch: amd64
pkg: github.com/go-wsapi/wsapi/wsapi
BenchmarkEcho/size=16/inflight=1/client=wsapi-2         	   42028	     20000 ns/op	   0.80 MB/s	      32 B/op	       2 allocs/op
BenchmarkEcho/size=16/inflight=1/client=coder-read-2    	   45274	     22000 ns/op	   0.73 MB/s	     512 B/op	       1 allocs/op
BenchmarkEcho/size=16/inflight=1/client=coder-reader-2  	   53070	     18000 ns/op	   0.89 MB/s	       0 B/op	       0 allocs/op
BenchmarkEcho/size=16/inflight=1/client=coder-handoff-2 	   45274	     24000 ns/op	   0.67 MB/s	     512 B/op	       1 allocs/op
    bench_native_test.go:1: a log line
BenchmarkEcho/size=16/inflight=1/client=coder-reader-2  	   53070	     18000 ns/op	   0.89 MB/s	       0 B/op	       0 allocs/op
BenchmarkEcho/size=16/inflight=1/client=wsapi-2         	   42028	     20000 ns/op	   0.80 MB/s	      32 B/op	       2 allocs/op
BenchmarkEcho/size=16/inflight=1/client=coder-read-2    	   45274	     26000 ns/op	   0.61 MB/s	     512 B/op	       1 allocs/op
BenchmarkEcho/size=16/inflight=1/client=coder-handoff-2 	   45274	     24000 ns/op	   0.67 MB/s	     512 B/op	       1 allocs/op
PASS
`

// TestSmoke reads a tiny output: it proves that the program runs, not what
// it finds.
func TestSmoke(t *testing.T) {
	s, err := run(strings.NewReader(output))
	if err != nil {
		t.Fatal(err)
	}
	// Read, Reader, the hand-off control and allocations.
	if s.Item != 1 || len(s.Rows) != 4 || s.Detail == "" {
		t.Fatalf("item %d, %d rows, want item 1 and 4 rows and a detail", s.Item, len(s.Rows))
	}
	for _, r := range s.Rows {
		if r.Ours == "" || r.Base == "" || r.Ratio == "" {
			t.Errorf("row %+v is incomplete", r)
		}
	}
	// vs Read: 22000/20000 and 26000/20000.
	if got := s.Rows[0].Values["ratio"]; math.Abs(got-1.2) > 1e-9 {
		t.Errorf("ratio to Read %v, want 1.2", got)
	}
	// Issue 15's targets: 0.9× of Read and of Reader at 16 B, one in
	// flight; the hand-off control has none.
	for i, want := range []string{"≥ 0.90×", "≥ 0.90×", "", "≤ +2"} {
		if s.Rows[i].Target != want {
			t.Errorf("row %q: target %q, want %q", s.Rows[i].Name, s.Rows[i].Target, want)
		}
	}
	if _, err := run(strings.NewReader("PASS\n")); err == nil {
		t.Error("no error for an output without results")
	}
}

// TestMedianCI checks the interval against benchstat's for 6 and 10 runs.
func TestMedianCI(t *testing.T) {
	for _, tc := range []struct {
		n, lo, hi int
	}{{1, 0, 0}, {6, 0, 5}, {8, 0, 7}, {10, 1, 8}, {20, 5, 14}} {
		xs := make([]float64, tc.n)
		for i := range xs {
			xs[i] = float64(tc.n - 1 - i)
		}
		iv := medianCI(xs, 0.95)
		if iv.lo != float64(tc.lo) || iv.hi != float64(tc.hi) || (tc.n >= 6 && iv.conf < 0.93) {
			t.Errorf("%d values: [%v, %v] at %.3f, want [%d, %d]", tc.n, iv.lo, iv.hi, iv.conf, tc.lo, tc.hi)
		}
	}
}
