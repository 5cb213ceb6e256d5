package wsapi

import (
	_ "embed"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The recordings of testdata/js/urls.js (see the commands at its top). They
// are embedded, not read from disk, so that these tests run the same under
// js/wasm, where a test binary in the browser has no file system.
var (
	//go:embed testdata/urls_input.json
	urlsInput []byte
	//go:embed testdata/protocols_input.json
	protocolsInput []byte
	//go:embed testdata/close_input.json
	closeInput []byte
	//go:embed testdata/chrome/urls.json
	chromeURLs []byte
	//go:embed testdata/chrome/protocols.json
	chromeProtocols []byte
	//go:embed testdata/chrome/close.json
	chromeClose []byte
	//go:embed testdata/node/urls.json
	nodeURLs []byte
	//go:embed testdata/node/protocols.json
	nodeProtocols []byte
	//go:embed testdata/node/close.json
	nodeClose []byte
)

type urlRow struct {
	Input string `json:"input"`
	URL   string `json:"url,omitempty"`
	Error string `json:"error,omitempty"`
}

type protocolsRow struct {
	Input []string `json:"input"`
	OK    bool     `json:"ok,omitempty"`
	Error string   `json:"error,omitempty"`
}

type closeRow struct {
	Input [2]any `json:"input"` // [code, reason]
	OK    bool   `json:"ok,omitempty"`
	Error string `json:"error,omitempty"`
}

func (r closeRow) args() (int, string) {
	return int(r.Input[0].(float64)), r.Input[1].(string)
}

func decode[T any](t *testing.T, name string, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

// sentinels maps the exception names in the recordings to our errors.
var sentinels = map[string]error{
	"SyntaxError":        ErrSyntax,
	"InvalidAccessError": ErrInvalidAccess,
}

// TestURLRecordingsMatchInputs fails when an input file was edited but the
// recordings were not redone.
func TestURLRecordingsMatchInputs(t *testing.T) {
	urls := decode[[]string](t, "urls_input.json", urlsInput)
	protocols := decode[[][]string](t, "protocols_input.json", protocolsInput)
	closes := decode[[][2]any](t, "close_input.json", closeInput)
	for _, rec := range []struct {
		name      string
		urls      []byte
		protocols []byte
		close     []byte
	}{
		{"chrome", chromeURLs, chromeProtocols, chromeClose},
		{"node", nodeURLs, nodeProtocols, nodeClose},
	} {
		var got []string
		for _, r := range decode[[]urlRow](t, rec.name+"/urls.json", rec.urls) {
			got = append(got, r.Input)
		}
		if !reflect.DeepEqual(got, urls) {
			t.Errorf("%s/urls.json does not record urls_input.json: re-record (see testdata/js/urls.js)", rec.name)
		}
		var gotP [][]string
		for _, r := range decode[[]protocolsRow](t, rec.name+"/protocols.json", rec.protocols) {
			gotP = append(gotP, r.Input)
		}
		if !reflect.DeepEqual(gotP, protocols) {
			t.Errorf("%s/protocols.json does not record protocols_input.json: re-record", rec.name)
		}
		var gotC [][2]any
		for _, r := range decode[[]closeRow](t, rec.name+"/close.json", rec.close) {
			gotC = append(gotC, r.Input)
		}
		if !reflect.DeepEqual(gotC, closes) {
			t.Errorf("%s/close.json does not record close_input.json: re-record", rec.name)
		}
	}
}

// nodeURLDiffs are the inputs (in any order) where Node's WebSocket (undici, with the WHATWG
// URL parser) disagrees with Chrome. Node runs are held to Node's own
// recordings, so this list documents the two engines; it fails when a
// re-recording changes it.
var nodeURLDiffs = []string{
	// Chrome percent-encodes a space or "*" in a host; Node refuses the
	// space (even as %20, or U+3000) and keeps "*", even in punycode.
	"ws://a b/",
	"ws://a*b/",
	"ws://a%20b/",
	"ws://a*ü.invalid/",
	"ws://ａ＊ｂ.invalid/",
	"ws://a\u3000b/",
	"ws://a%2Ab/",
	// Chrome encodes "|" and "^" in a path; Node does not.
	"ws://localhost/\"<>`{}|^[]'",
	"ws://localhost/!\"$%&'()*+,-.:;<=>[]^_`{|}~ %zz é\x00\x7f",
	// Chrome encodes "'" in user info; Node does not.
	"ws://!\"$%&'()*+,-.;<=>[]^_`{|}~:!\"$%&'()*+,-.:;<=>[]^_`{|}~ %zz é@localhost/",
	// Node checks punycode even in an ASCII host.
	"ws://xn--/",
	"ws://xn--a.invalid/",
	// Node does not apply the bidi rule to labels.
	"ws://1.עברית/",
	"ws://1עברית.invalid/",
	"ws://a-.עברית/",
	// Node maps the capital sharp s to "ss"; Chrome to "ß".
	"ws://ẞ.invalid/",
	// Chrome percent-decodes an IPv6 host and reads its IPv4 tail like an
	// IPv4 host (hex and octal parts); Node follows the URL Standard.
	"ws://[::127.0.0.01]/",
	"ws://[%3A%3A1]/",
	"ws://[::%31]/",
	"ws://[::0x7f.0.0.1]/",
	"ws://[::1.2.3.0x4]/",
	"ws://[::1.2.3.04]/",
}

func TestURLNodeVsChrome(t *testing.T) {
	chrome := decode[[]urlRow](t, "chrome/urls.json", chromeURLs)
	node := decode[[]urlRow](t, "node/urls.json", nodeURLs)
	if len(chrome) != len(node) {
		t.Fatalf("chrome has %d rows, node %d", len(chrome), len(node))
	}
	var diffs []string
	for i := range chrome {
		if chrome[i] != node[i] {
			diffs = append(diffs, chrome[i].Input)
		}
	}
	want := slices.Clone(nodeURLDiffs)
	slices.Sort(diffs)
	slices.Sort(want)
	if !slices.Equal(diffs, want) {
		t.Errorf("Node differs from Chrome on\n%q\nwant\n%q", diffs, want)
	}
}

// TestCheckProtocolsChrome holds checkProtocols to Chrome's recording.
func TestCheckProtocolsChrome(t *testing.T) {
	for _, row := range decode[[]protocolsRow](t, "chrome/protocols.json", chromeProtocols) {
		err := checkProtocols(row.Input)
		switch {
		case row.Error == "" && err != nil:
			t.Errorf("checkProtocols(%q) = %v, want ok", row.Input, err)
		case row.Error != "" && !errors.Is(err, sentinels[row.Error]):
			t.Errorf("checkProtocols(%q) = %v, want %s", row.Input, err, row.Error)
		}
		if err != nil && !namesOneOf(err, row.Input) {
			t.Errorf("checkProtocols(%q): error %q names none of them", row.Input, err)
		}
	}
}

func namesOneOf(err error, values []string) bool {
	for _, v := range values {
		if strings.Contains(err.Error(), strconv.Quote(v)) {
			return true
		}
	}
	return false
}

// TestCheckProtocolsMessages checks that the error names the right value.
func TestCheckProtocolsMessages(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a", "A"}, ""},
		{[]string{"a", "a"}, `duplicate subprotocol "a": SyntaxError`},
		{[]string{"ok", "a b"}, `invalid subprotocol "a b": not an RFC 7230 token: SyntaxError`},
		{[]string{"ok", ""}, `invalid subprotocol "": not an RFC 7230 token: SyntaxError`},
		{[]string{"\xff"}, `invalid subprotocol "\xff": not an RFC 7230 token: SyntaxError`},
	} {
		err := checkProtocols(tc.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("checkProtocols(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCheckCloseChrome holds checkClose to Chrome's recording of
// close(code, reason).
func TestCheckCloseChrome(t *testing.T) {
	for _, row := range decode[[]closeRow](t, "chrome/close.json", chromeClose) {
		code, reason := row.args()
		err := checkClose(code, reason)
		switch {
		case row.Error == "" && err != nil:
			t.Errorf("checkClose(%d, %q) = %v, want ok", code, reason, err)
		case row.Error != "" && !errors.Is(err, sentinels[row.Error]):
			t.Errorf("checkClose(%d, %q) = %v, want %s", code, reason, err, row.Error)
		case errors.Is(err, ErrInvalidAccess) && !strings.Contains(err.Error(), " "+strconv.Itoa(code)+":"):
			t.Errorf("checkClose(%d, …): error %q does not name the code", code, err)
		case errors.Is(err, ErrSyntax) && !strings.Contains(err.Error(), strconv.Quote(reason)):
			t.Errorf("checkClose(%d, %q): error %q does not name the reason", code, reason, err)
		}
	}
}

// TestCheckCloseNotUTF8 covers the Go-only case of a reason that is not
// UTF-8, which is a SyntaxError unless the code is already wrong.
func TestCheckCloseNotUTF8(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   error
	}{
		{1000, "\xff", ErrSyntax},
		{4000, "ok\xc3", ErrSyntax},
		{999, "\xff", ErrInvalidAccess},
		{0, "", ErrInvalidAccess}, // CloseWithStatus(0, "") is close(0), not close()
		{1000, "é", nil},
	} {
		err := checkClose(tc.code, tc.reason)
		if !errors.Is(err, tc.want) || (err == nil) != (tc.want == nil) {
			t.Errorf("checkClose(%d, %q) = %v, want %v", tc.code, tc.reason, err, tc.want)
		}
	}
}

// nodeProtocolDiffs are the protocol lists Node's WebSocket judges otherwise
// than Chrome: undici finds duplicates without regard to case. Close
// arguments are judged alike.
var nodeProtocolDiffs = [][]string{{"a", "A"}, {"chat.v2", "CHAT.V2"}}

func TestProtocolsAndCloseNodeVsChrome(t *testing.T) {
	chrome := decode[[]protocolsRow](t, "chrome/protocols.json", chromeProtocols)
	node := decode[[]protocolsRow](t, "node/protocols.json", nodeProtocols)
	var diffs [][]string
	for i := range min(len(chrome), len(node)) {
		if !reflect.DeepEqual(chrome[i], node[i]) {
			diffs = append(diffs, chrome[i].Input)
		}
	}
	if !reflect.DeepEqual(diffs, nodeProtocolDiffs) {
		t.Errorf("Node's protocols differ from Chrome's on %q, want %q", diffs, nodeProtocolDiffs)
	}
	if !reflect.DeepEqual(decode[[]closeRow](t, "chrome/close.json", chromeClose),
		decode[[]closeRow](t, "node/close.json", nodeClose)) {
		t.Errorf("Node's close arguments differ from Chrome's")
	}
}

// TestNewURLNotUTF8: a URL that is not UTF-8 is a SyntaxError naming it on
// every backend, before anything connects.
func TestNewURLNotUTF8(t *testing.T) {
	for _, in := range []string{"ws://localhost/\xff", "ws://\xc3/", "ws://localhost/?\xed\xa0\x80", "\x80ws://localhost/"} {
		ws, err := NewWithOptions(in, nil)
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("NewWithOptions(%q) = %v, %v; want a SyntaxError naming it", in, ws, err)
		}
	}
}
