//go:build !js

package wsapi_test

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/go-wsapi/wsapi/internal/leakcheck"
	scenarioserver "github.com/go-wsapi/wsapi/wsapi/internal/scenario"
)

// startEnv starts the scenario server, serving testdata (the recording
// page and the scenarios), unless WSAPI_SERVER names one already.
func startEnv() (env, func(), error) {
	baseGoroutines = runtime.NumGoroutine()
	if s := os.Getenv("WSAPI_SERVER"); s != "" {
		return env{server: s, dead: os.Getenv("WSAPI_DEAD"), runtime: "native"}, func() {}, nil
	}
	base, stopServer, err := scenarioserver.Start(&scenarioserver.Options{Files: os.DirFS("testdata")})
	if err != nil {
		return env{}, nil, err
	}
	stop := func() {
		stopInterop()
		stopServer()
	}
	dead, err := scenarioserver.DeadURL()
	if err != nil {
		stop()
		return env{}, nil, err
	}
	return env{server: base, dead: dead, runtime: "native"}, stop, nil
}

var baseGoroutines int

// checkLeaks fails the run when goroutines outlive the suite: every socket,
// server and child must have ended. It waits a little for goroutines that
// are on their way out.
func checkLeaks() int {
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		return 0 // the fuzzing engine keeps goroutines of its own
	}
	return leakcheck.Check("wsapi tests", baseGoroutines)
}

// runtimeCounts holds each runtime's scenario results, for the summary.
var runtimeCounts = map[string][2]int{} // runtime -> {passed, ran}

// interopCounts holds each runtime's interop results likewise.
var interopCounts = map[string][2]int{}

// writeCounts writes one line of the summary, the native counts then the
// children's, and returns the totals {passed, ran}.
func writeCounts(b *strings.Builder, label string, native [2]int, children map[string][2]int) [2]int {
	fmt.Fprintf(b, "%s: native %d/%d", label, native[0], native[1])
	total := native
	for _, rt := range []string{"node", "chromium", "chromium-no-eval"} {
		c, ok := children[rt]
		if !ok {
			fmt.Fprintf(b, ", %s not run", rt)
			continue
		}
		fmt.Fprintf(b, ", %s %d/%d", rt, c[0], c[1])
		total[0] += c[0]
		total[1] += c[1]
	}
	b.WriteString("\n")
	return total
}

// printSummary prints the scenario counts of the run, and writes them to
// the file WSAPI_SUMMARY names (make test prints it last). A run in which
// no scenario ran, such as -run '^$' -bench, prints nothing: benchstat
// reads that output.
func printSummary() {
	countMu.Lock()
	defer countMu.Unlock()
	var b strings.Builder
	total := writeCounts(&b, "wsapi scenarios", [2]int{passed, ranScenarios}, runtimeCounts)
	itotal := writeCounts(&b, "wsapi interop", [2]int{interopPassed, interopRan}, interopCounts)
	fmt.Fprintf(&b, "scenarios: %d passed, %d failed (interop: %d passed, %d failed)\n",
		total[0]+itotal[0], total[1]+itotal[1]-total[0]-itotal[0], itotal[0], itotal[1]-itotal[0])
	if ranScenarios > 0 || len(runtimeCounts) > 0 || interopRan > 0 {
		fmt.Print(b.String())
	}
	if f := os.Getenv("WSAPI_SUMMARY"); f != "" {
		os.WriteFile(f, []byte(b.String()), 0o644)
	}
}
