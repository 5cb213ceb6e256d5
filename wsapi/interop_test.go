package wsapi_test

import (
	_ "embed"
	"slices"
	"strings"
	"testing"
)

// The interop scenarios run against real servers that no one here wrote
// (Python websockets, Node ws, ...), started by the native run as child
// processes; Chrome's and Node's own WebSocket ran them first, against the
// same servers and configurations (see TestRecordInterop).
var (
	//go:embed testdata/interop.json
	interopJSON []byte
	//go:embed testdata/chrome/interop.json
	chromeInteropJSON []byte
	//go:embed testdata/node/interop.json
	nodeInteropJSON []byte
)

// TestInterop runs every interop scenario whose server is up and holds its
// trace to Chrome's, or in Node to Node's own.
func TestInterop(t *testing.T) {
	e := interopEnv(t)
	chrome := loadTraces(t, chromeInteropJSON)
	want := chrome
	if e.runtime == "node" {
		want = loadTraces(t, nodeInteropJSON)
	}
	for _, sc := range decodeScenarios(t, "interop.json", interopJSON) {
		t.Run(sc.Name, func(t *testing.T) {
			if e.interop[sc.Server] == "" {
				missingServer(t, sc.Server)
			}
			countInterop(t)
			got := runScenario(sc, e)
			exp, ok := want[sc.Name]
			if _, fixed := wsapiFixesNode[sc.Name]; fixed && e.runtime == "node" {
				exp, ok = chrome[sc.Name]
			}
			if !ok {
				t.Fatalf("no recorded trace for %s: re-record (see TestRecordInterop); got\n%s", sc.Name, strings.Join(got, "\n"))
			}
			if !slices.Equal(got, exp) {
				t.Errorf("trace of %s on %s differs from the reference\n%s", sc.Name, e.runtime, traceDiff(exp, got))
			}
		})
	}
}

// The interop counts of this process, for the summary.
var interopPassed, interopRan int

func countInterop(t *testing.T) {
	t.Cleanup(func() {
		countMu.Lock()
		defer countMu.Unlock()
		interopRan++
		if !t.Failed() {
			interopPassed++
		}
	})
}
