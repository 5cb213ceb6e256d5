//go:build !js

package server

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// FuzzParseSay holds parseSay to a reference written another way: a text
// message that is a JSON object whose "type" is "say" and whose "text" is
// a string of 1 to 1000 characters, keys spelled exactly so and each at
// most once, is a say; nothing else is. What is accepted encodes back in
// the room's event, and decodes to the same text.
func FuzzParseSay(f *testing.F) {
	for _, s := range []string{
		`{"type":"say","text":"hello"}`,
		`{"text":"hello","type":"say"}`,
		`{"type":"say","text":"hello","extra":[1,{"a":null}]}`,
		` {"type" : "say" , "text" : "h\u00e9llo \ud83d\ude00"} `,
		`{"type":"say","text":""}`,
		`{"type":"say","text":"` + strings.Repeat("€", 1000) + `"}`,
		`{"type":"say","text":"` + strings.Repeat("x", 1001) + `"}`,
		`{"type":"say","text":"\ud800"}`,
		`{"type":"say","text":null}`,
		`{"type":"say","text":1}`,
		`{"type":"say"}`,
		`{"type":"join","text":"x"}`,
		`{"TYPE":"say","Text":"x"}`,
		`{"type":"say","text":"a","text":"b"}`,
		`{"type":"say","text":"x"}{"type":"say","text":"y"}`,
		`["say","x"]`,
		`null`,
		``,
		"{\"type\":\"say\",\"text\":\"\xff\"}",
	} {
		f.Add(true, []byte(s))
	}
	f.Add(false, []byte(`{"type":"say","text":"binary"}`))
	f.Fuzz(func(t *testing.T, text bool, data []byte) {
		typ := websocket.MessageBinary
		if text {
			typ = websocket.MessageText
		}
		got, ok := parseSay(typ, data)
		want, wantOK := referenceSay(text, data)
		if ok != wantOK || got != want {
			t.Fatalf("parseSay(%v, %q) = %q, %v; want %q, %v", typ, data, got, ok, want, wantOK)
		}
		if !ok {
			return
		}
		var e event
		if err := json.Unmarshal(encode(event{Type: "say", Text: got}).data, &e); err != nil || e.Text != got {
			t.Fatalf("say %q encodes to an event that decodes to %q, %v", got, e.Text, err)
		}
	})
}

// referenceSay is the protocol's rule, on a generic decoding.
func referenceSay(text bool, data []byte) (string, bool) {
	if !text || !utf8.Valid(data) || !json.Valid(data) {
		return "", false
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil || duplicateKeys(data) {
		return "", false
	}
	s, ok := m["text"].(string)
	if m["type"] != "say" || !ok {
		return "", false
	}
	if n := utf8.RuneCountInString(s); n < 1 || n > maxSay {
		return "", false
	}
	return s, true
}

// duplicateKeys reports whether the top-level object of valid JSON has a
// key twice.
func duplicateKeys(data []byte) bool {
	d := json.NewDecoder(strings.NewReader(string(data)))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		k := tok.(string)
		if seen[k] {
			return true
		}
		seen[k] = true
		var v json.RawMessage
		if d.Decode(&v) != nil {
			return false
		}
	}
	return false
}
