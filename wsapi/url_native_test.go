//go:build !js

package wsapi

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// knownURLDiffs are the rows of testdata/chrome/urls.json that parseURL
// does not match, and why. Each is a SyntaxError here where Chrome accepts
// the URL: Chrome's IDNA (UTS #46) needs Unicode tables that this package
// does not carry, and guessing could connect to another host. The test
// fails if a listed row starts matching, so the list stays honest.
var knownURLDiffs = map[string]string{
	"ws://e\u0301.invalid/":              "needs NFC: e and U+0301 compose to é",
	"ws://ǅ.invalid/":                    "needs UTS 46 mapping outside idnMap (Latin Extended-B)",
	"ws://ｶﾀｶﾅ.invalid/":                 "needs NFKC: half-width katakana",
	"ws://ẞ.invalid/":                    "needs UTS 46 mapping outside idnMap (capital sharp s)",
	"ws://ﬁ.invalid/":                    "needs NFKC: the fi ligature",
	"ws://xn--bcher-kva.bücher.invalid/": "Chrome decodes and checks punycode labels in an international host; refused here",
}

// TestParseURLChrome holds parseURL to every URL Chrome was given.
func TestParseURLChrome(t *testing.T) {
	rows := decode[[]urlRow](t, "chrome/urls.json", chromeURLs)
	for _, row := range rows {
		got, err := parseURL(row.Input)
		var mismatch string
		switch {
		case row.Error != "" && err == nil:
			mismatch = fmt.Sprintf("= %q, want %s", got, row.Error)
		case row.Error != "" && !errors.Is(err, sentinels[row.Error]):
			mismatch = fmt.Sprintf("error %v, want %s", err, row.Error)
		case row.Error == "" && err != nil:
			mismatch = fmt.Sprintf("error %v, want %q", err, row.URL)
		case row.Error == "" && got != row.URL:
			mismatch = fmt.Sprintf("= %q, want %q", got, row.URL)
		}
		if err != nil && !strings.Contains(err.Error(), strconv.Quote(row.Input)) {
			t.Errorf("parseURL(%q): error %q does not name the input", row.Input, err)
		}
		why, known := knownURLDiffs[row.Input]
		switch {
		case mismatch != "" && !known:
			t.Errorf("parseURL(%q) %s", row.Input, mismatch)
		case mismatch == "" && known:
			t.Errorf("parseURL(%q) now matches Chrome; remove it from knownURLDiffs (%s)", row.Input, why)
		case known && (err == nil || !errors.Is(err, ErrSyntax)):
			t.Errorf("parseURL(%q) = %q, %v: a known difference must be a SyntaxError, never another URL", row.Input, got, err)
		}
	}
	inputs := map[string]bool{}
	for _, row := range rows {
		inputs[row.Input] = true
	}
	for in := range knownURLDiffs {
		if !inputs[in] {
			t.Errorf("knownURLDiffs lists %q, which is not in the recording", in)
		}
	}
}

func TestWithoutUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"ws://user:secret@host:1/p?q=a@b#f": "ws://host:1/p?q=a@b#f",
		"wss://u%40x@host/":                 "wss://host/",
		"ws://host/a@b":                     "ws://host/a@b",
		"ws://host":                         "ws://host",
	} {
		if got := withoutUserinfo(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
