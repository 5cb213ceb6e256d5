//go:build !js

package wsapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestParseExtensions(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // name;param=value;... joined by ", "; "" when invalid
	}{
		{"permessage-deflate", "permessage-deflate"},
		{"permessage-deflate; client_max_window_bits=15", "permessage-deflate;client_max_window_bits=15"},
		{"permessage-deflate ; server_no_context_takeover", "permessage-deflate;server_no_context_takeover"},
		{"a;b=\"1\" , c;d", "a;b=1, c;d"},
		{"a;b=\"\\1\"", "a;b=1"},
		{"a;b=\"1 2\"", ""},
		{"a;b=\"\"", ""},
		{"a;b=", ""},
		{"a;", ""},
		{"a,", ""},
		{"", ""},
		{"a b", ""},
		{"a;b=\"1", ""},
	} {
		exts, ok := parseExtensions(tc.in)
		var parts []string
		for _, e := range exts {
			s := e.name
			for _, p := range e.params {
				s += ";" + p.name
				if p.hasValue {
					s += "=" + p.value
				}
			}
			parts = append(parts, s)
		}
		got := strings.Join(parts, ", ")
		if !ok {
			got = ""
		}
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckExtensions(t *testing.T) {
	for _, tc := range []struct {
		header  []string
		offered bool
		coder   string // the header coder gets; "!" for an error
	}{
		{nil, true, ""},
		{[]string{"permessage-deflate"}, true, "permessage-deflate"},
		{[]string{"permessage-deflate; client_max_window_bits=15"}, true, "permessage-deflate"},
		{[]string{"permessage-deflate; client_max_window_bits=\"15\""}, true, "permessage-deflate"},
		{[]string{"permessage-deflate; server_max_window_bits=8; client_no_context_takeover; server_no_context_takeover"}, true,
			"permessage-deflate; client_no_context_takeover; server_no_context_takeover"},
		{[]string{"permessage-deflate; client_max_window_bits=10"}, true, "permessage-deflate; client_no_context_takeover"},
		{[]string{"permessage-deflate; client_max_window_bits=8; server_no_context_takeover"}, true,
			"permessage-deflate; client_no_context_takeover; server_no_context_takeover"},
		{[]string{"permessage-deflate; client_max_window_bits=7"}, true, "!"},
		{[]string{"permessage-deflate; client_max_window_bits"}, true, "!"},
		{[]string{"permessage-deflate; server_max_window_bits"}, true, "!"},
		{[]string{"permessage-deflate; server_max_window_bits=16"}, true, "!"},
		{[]string{"permessage-deflate; server_max_window_bits=09"}, true, "!"},
		{[]string{"permessage-deflate; server_no_context_takeover=1"}, true, "!"},
		{[]string{"permessage-deflate; server_no_context_takeover; server_no_context_takeover"}, true, "!"},
		{[]string{"permessage-deflate; x=1"}, true, "!"},
		{[]string{"permessage-deflate", "permessage-deflate"}, true, "!"},
		{[]string{"permessage-deflate, permessage-deflate"}, true, "!"},
		{[]string{"x-foo"}, true, "!"},
		{[]string{"permessage-deflate"}, false, "!"},
		{[]string{"permessage-deflate;;"}, true, "!"},
	} {
		h := http.Header{"Sec-Websocket-Extensions": tc.header}
		p, err := checkExtensions(h, tc.offered)
		got := ""
		switch {
		case err != nil:
			got = "!"
		case p != nil:
			got = p.forCoder()
		}
		if got != tc.coder {
			t.Errorf("%q (offered %v): %q, %v; want %q", tc.header, tc.offered, got, err, tc.coder)
		}
	}
}
