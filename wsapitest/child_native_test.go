//go:build !js

package wsapitest

import (
	"io"
	"strings"
	"testing"
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
