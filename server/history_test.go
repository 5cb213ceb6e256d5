//go:build !js

package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestParseResumeNamesTheValue: a bad since or epoch is refused with an
// error that names it, a long one cut short.
func TestParseResumeNamesTheValue(t *testing.T) {
	long := strings.Repeat("e", 60) + "WXYZ" + strings.Repeat("f", 1000)
	for _, c := range []struct{ query, want string }{
		{"since=x", `"x"`},
		{"since=-1", `"-1"`},
		{"since=" + long, `"` + long[:maxEpoch] + `"...`},
		{"since=1&epoch=" + long, `"` + long[:maxEpoch] + `"...`},
	} {
		q, err := url.ParseQuery(c.query)
		if err != nil {
			t.Fatal(err)
		}
		_, err = parseResume(q)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%.40s: error %v, want one naming %.80s", c.query, err, c.want)
		}
		if err != nil && len(err.Error()) > 200 {
			t.Errorf("%.40s: error of %d bytes", c.query, len(err.Error()))
		}
	}
}
