//go:build !js

package wsapitest

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestFailureUnfinished: a test that never ended, as one that hung until
// its binary's -timeout panicked, is reported with its own lines (the
// panic names it), not only with the package's last FAIL line.
func TestFailureUnfinished(t *testing.T) {
	stream := `{"Action":"start","Package":"p"}
{"Action":"run","Package":"p","Test":"TestOK"}
{"Action":"output","Package":"p","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"pass","Package":"p","Test":"TestOK"}
{"Action":"run","Package":"p","Test":"TestHangs"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"=== RUN   TestHangs\n"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"panic: test timed out after 5s\n"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"\trunning tests:\n"}
{"Action":"output","Package":"p","Test":"TestHangs","Output":"\t\tTestHangs (5s)\n"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t5.1s\n"}
{"Action":"fail","Package":"p"}
`
	res := read(strings.NewReader(stream), io.Discard)
	got := res.failure()
	for _, want := range []string{"TestHangs", "panic: test timed out after 5s", "running tests:"} {
		if !strings.Contains(got, want) {
			t.Errorf("the failure lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "TestOK") {
		t.Errorf("the failure names TestOK, which passed:\n%s", got)
	}
}

// TestChildTimeout: a child's -timeout leaves a margin before the native
// test's deadline; with too little time left, the run is refused and the
// error says how much was left. A -timeout in Options.Args wins.
func TestChildTimeout(t *testing.T) {
	for _, c := range []struct {
		left, want time.Duration
	}{
		{10 * time.Minute, 450 * time.Second},
		{75 * time.Second, 45 * time.Second},
		{31 * time.Second, time.Second},
	} {
		if got, err := childTimeout(c.left); err != nil || got != c.want {
			t.Errorf("childTimeout(%v) = %v, %v; want %v", c.left, got, err, c.want)
		}
	}
	if got, err := childTimeout(20 * time.Second); err == nil || !strings.Contains(err.Error(), "20s left") {
		t.Errorf("childTimeout(20s) = %v, %v; want an error saying 20s left", got, err)
	}
	for args, want := range map[string]bool{"": false, "-run=X": false, "-timeout=1m": true, "--timeout=1m": true, "-timeout 1m": true, "-timeoutx=1": false} {
		if got := hasTimeout(strings.Fields(args)); got != want {
			t.Errorf("hasTimeout(%q) = %t, want %t", args, got, want)
		}
	}
}

// TestReadLongLine: a line of output too long to read says so, in the
// forwarded output and in the failure, rather than ending the output
// without a word.
func TestReadLongLine(t *testing.T) {
	stream := `{"Action":"output","Package":"p","Output":"before\n"}` + "\n" + strings.Repeat("x", 2<<20) + "\n" + `{"Action":"output","Package":"p","Output":"FAIL\tp\n"}` + "\n"
	var fwd strings.Builder
	res := read(strings.NewReader(stream), &fwd)
	for what, s := range map[string]string{"forwarded output": fwd.String(), "failure": res.failure()} {
		if !strings.Contains(s, "token too long") {
			t.Errorf("the %s does not say the line was too long:\n%.200s", what, s)
		}
	}
}
