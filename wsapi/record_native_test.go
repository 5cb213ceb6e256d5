//go:build !js

package wsapi_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-wsapi/wsapi/internal/chromerunbin"
)

var record = flag.Bool("record", false, "re-record the reference traces (Chrome's and Node's) into testdata")

// TestRecordTraces re-records the expected traces by running
// testdata/js/scenarios.js, plain JavaScript, in headless Chromium and in
// Node against this process's scenario server:
//
//	go test ./wsapi -run TestRecordTraces -record   (or: make record)
//
// Review the diff of testdata/*/traces.json before committing it: a changed
// trace is a change of the reference.
func TestRecordTraces(t *testing.T) {
	if !*record {
		t.Skip("run with -record to re-record the reference traces")
	}
	e := scenarioEnv(t)
	page := e.server + "/files/js/record.html?server=" + e.server + "&dead=" + e.dead
	chrome := exec.Command(chromerunbin.Build(t), "-url", page)
	writeTraces(t, chrome, filepath.Join("testdata", "chrome", "traces.json"))

	node := lookPath(t, "node", "NODE")
	nodeCmd := exec.Command(node, "--experimental-websocket", "record_node.js", e.server, e.dead)
	nodeCmd.Dir = filepath.Join("testdata", "js")
	writeTraces(t, nodeCmd, filepath.Join("testdata", "node", "traces.json"))
}

// writeTraces runs a recorder, takes its "TRACES {...}" line and writes it,
// indented with sorted keys, to file.
func writeTraces(t *testing.T, cmd *exec.Cmd, file string) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	for _, line := range strings.Split(string(out), "\n") {
		js, ok := strings.CutPrefix(line, "TRACES ")
		if !ok {
			continue
		}
		var traces map[string][]string
		if err := json.Unmarshal([]byte(js), &traces); err != nil {
			t.Fatalf("%s: %v", cmd, err)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(traces); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d traces to %s", len(traces), file)
		return
	}
	t.Fatalf("%s printed no TRACES line:\n%s\n%s", cmd, out, stderr.String())
}
