//go:build !js

// The fuzz targets run natively only: their seed corpus lives in
// testdata/fuzz, and a browser has no file system to read it from. The
// recorded tables in validate_test.go run on every runtime.

package wsapi

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseURL checks the properties every accepted URL must have: it is
// ASCII, has the ws or wss scheme and no fragment, and parses to itself
// again, so that ws.url fed back to New names the same socket. Every
// refusal is a SyntaxError that names the input. The seeds are all the URLs
// Chrome was asked about.
func FuzzParseURL(f *testing.F) {
	var inputs []string
	if err := json.Unmarshal(urlsInput, &inputs); err != nil {
		f.Fatal(err)
	}
	for _, in := range inputs {
		f.Add(in)
	}
	f.Add("ws://\xff/")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := parseURL(raw)
		if err != nil {
			if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), strconv.Quote(raw)) {
				t.Fatalf("parseURL(%q): error %v is not a SyntaxError naming the input", raw, err)
			}
			return
		}
		if !strings.HasPrefix(got, "ws://") && !strings.HasPrefix(got, "wss://") {
			t.Fatalf("parseURL(%q) = %q: not ws or wss", raw, got)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; c <= ' ' || c >= 0x7f || c == '#' {
				t.Fatalf("parseURL(%q) = %q: byte %q at %d", raw, got, c, i)
			}
		}
		again, err := parseURL(got)
		if err != nil || again != got {
			t.Fatalf("parseURL(%q) = %q, which parses to %q, %v", raw, got, again, err)
		}
	})
}

// tokenRE is RFC 7230's token, written independently of isTokenChar.
var tokenRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// FuzzCheckProtocols compares checkProtocols on two protocols with the RFC
// 7230 grammar and a case-sensitive duplicate check.
func FuzzCheckProtocols(f *testing.F) {
	for _, seed := range [][2]string{
		{"a", "b"}, {"a", "A"}, {"a", "a"}, {"a b", "c"}, {"", "x"}, {"a,b", "c"}, {"é", "e"},
		{";", "x"}, {"chat", "superchat"}, {"!#$%&'*+-.^_`|~", "z"}, {"x\x00", "y"}, {"\xff", "y"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		err := checkProtocols([]string{a, b})
		want := tokenRE.MatchString(a) && tokenRE.MatchString(b) && a != b
		if (err == nil) != want {
			t.Fatalf("checkProtocols(%q, %q) = %v, want ok=%v", a, b, err, want)
		}
		if err != nil && (!errors.Is(err, ErrSyntax) ||
			!strings.Contains(err.Error(), strconv.Quote(a)) && !strings.Contains(err.Error(), strconv.Quote(b))) {
			t.Fatalf("checkProtocols(%q, %q): %v is not a SyntaxError naming a protocol", a, b, err)
		}
	})
}

// FuzzCheckClose checks the order of checkClose's two checks and that the
// error names the bad value.
func FuzzCheckClose(f *testing.F) {
	for _, c := range []int{0, -1, 999, 1000, 1001, 1005, 2999, 3000, 4999, 5000, 65536} {
		f.Add(c, "")
	}
	f.Add(1000, strings.Repeat("a", 123))
	f.Add(1000, strings.Repeat("a", 124))
	f.Add(1000, strings.Repeat("a", 122)+"é")
	f.Add(999, strings.Repeat("a", 124))
	f.Add(4000, "\xff")
	f.Fuzz(func(t *testing.T, code int, reason string) {
		err := checkClose(code, reason)
		switch {
		case code != 1000 && (code < 3000 || code >= 5000):
			if !errors.Is(err, ErrInvalidAccess) || !strings.Contains(err.Error(), strconv.Itoa(code)) {
				t.Fatalf("checkClose(%d, %q) = %v, want InvalidAccessError naming the code", code, reason, err)
			}
		case !utf8.ValidString(reason) || len(reason) > 123:
			if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), strconv.Quote(reason)) {
				t.Fatalf("checkClose(%d, %q) = %v, want SyntaxError naming the reason", code, reason, err)
			}
		case err != nil:
			t.Fatalf("checkClose(%d, %q) = %v, want ok", code, reason, err)
		}
	})
}
