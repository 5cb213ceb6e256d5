package wsapi_test

import (
	_ "embed"
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
	refs := loadReferences(t, e, chromeInteropJSON, nodeInteropJSON)
	for _, sc := range decodeScenarios(t, "interop.json", interopJSON) {
		t.Run(sc.Name, func(t *testing.T) {
			if e.interop[sc.Server] == "" {
				missingServer(t, sc.Server)
			}
			countInterop(t)
			refs.check(t, sc, runScenario(sc, e), "TestRecordInterop")
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
