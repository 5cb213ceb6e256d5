//go:build !js

package protocoltest

import (
	"fmt"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	ws "github.com/go-wsapi/wsapi/internal/wstest"
)

// Valid and invalid UTF-8, byte by byte. These are the classic classes of
// decoder traps (RFC 3629 section 3 and 10), written out here.
var (
	validUTF8 = []struct{ name, s string }{
		{"U+0000", "\x00"},
		{"U+007F, the last 1-byte", "\x7f"},
		{"U+0080, the first 2-byte", "\xc2\x80"},
		{"U+07FF, the last 2-byte", "\xdf\xbf"},
		{"U+0800, the first 3-byte", "\xe0\xa0\x80"},
		{"U+D7FF, before the surrogates", "\xed\x9f\xbf"},
		{"U+E000, after the surrogates", "\xee\x80\x80"},
		{"U+FDD0, a noncharacter", "\xef\xb7\x90"},
		{"U+FFFD, the replacement character", "\xef\xbf\xbd"},
		{"U+FFFE, a noncharacter", "\xef\xbf\xbe"},
		{"U+FFFF, the last 3-byte", "\xef\xbf\xbf"},
		{"U+10000, the first 4-byte", "\xf0\x90\x80\x80"},
		{"U+1F600, an emoji", "\xf0\x9f\x98\x80"},
		{"U+1FFFF, a noncharacter", "\xf0\x9f\xbf\xbf"},
		{"U+10FFFF, the last code point", "\xf4\x8f\xbf\xbf"},
		{"a byte order mark first", "\xef\xbb\xbfBOM"},
		{"a byte order mark inside", "a\xef\xbb\xbfb"},
		{"Greek", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"},
	}
	invalidUTF8 = []struct{ name, s string }{
		{"a 5-byte form", "\xf8\x88\x80\x80\x80"},
		{"a 6-byte form", "\xfc\x84\x80\x80\x80\x80"},
		{"U+110000, past the last code point", "\xf4\x90\x80\x80"},
		{"U+1FFFFF in 4 bytes", "\xf7\xbf\xbf\xbf"},
		{"lead byte F5", "\xf5\x80\x80\x80"},
		{"a lone continuation byte 80", "\x80"},
		{"a lone continuation byte BF", "\xbf"},
		{"three continuation bytes", "\x80\xbf\x80"},
		{"a 2-byte lead, then a space", "\xc2 "},
		{"a 3-byte lead, then a space", "\xe0 "},
		{"a 4-byte lead, then a space", "\xf0 "},
		{"a 2-byte sequence cut at the end", "ab\xc2"},
		{"a 3-byte sequence cut at the end", "ab\xe0\xa0"},
		{"a 4-byte sequence cut at the end", "ab\xf0\x90\x80"},
		{"a 3-byte sequence cut before ASCII", "\xe0\xa0a"},
		{"byte FE", "\xfe"},
		{"byte FF", "\xff"},
		{"FE FE FF FF", "\xfe\xfe\xff\xff"},
		{"'/' overlong in 2 bytes", "\xc0\xaf"},
		{"'/' overlong in 3 bytes", "\xe0\x80\xaf"},
		{"'/' overlong in 4 bytes", "\xf0\x80\x80\xaf"},
		{"NUL overlong in 2 bytes", "\xc0\x80"},
		{"NUL overlong in 3 bytes", "\xe0\x80\x80"},
		{"the largest overlong 2-byte", "\xc1\xbf"},
		{"the largest overlong 3-byte", "\xe0\x9f\xbf"},
		{"the largest overlong 4-byte", "\xf0\x8f\xbf\xbf"},
		{"U+D800, a high surrogate", "\xed\xa0\x80"},
		{"U+DFFF, a low surrogate", "\xed\xbf\xbf"},
		{"a surrogate pair in 6 bytes", "\xed\xa0\x80\xed\xb0\x80"},
		{"valid text, then a surrogate", "abc\xed\xa0\x80def"},
	}
)

// Family 6: UTF-8 in text messages, whole and in fragments.
func utf8Cases() []Case {
	const (
		greek  = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"
		latin  = "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"
		broken = greek + "\xed\xa0\x80edited" // a surrogate inside
	)
	tooBig := "\xf4\x90\x80\x80"
	failFast := func(id, title string, steps []Step) Case {
		return Case{ID: id, Title: title, Steps: steps, FailBy: len(steps) - 1,
			Want: Expect{Fail: 1007, NonStrict: failLate}}
	}
	fail := Expect{Fail: 1007}
	cs := []Case{
		{ID: "6.1.1", Title: "empty text", Steps: []Step{send(text(""))}, Want: Expect{Replies: []Reply{echoText("")}}},
		{ID: "6.1.2", Title: "empty text in three empty fragments",
			Steps: []Step{send(fr(wsframe.OpText, false, nil), fr(wsframe.OpContinuation, false, nil), fr(wsframe.OpContinuation, true, nil))},
			Want:  Expect{Replies: []Reply{echoText("")}}},
		{ID: "6.1.3", Title: "text in fragments, empty ones first and last",
			Steps: []Step{send(fr(wsframe.OpText, false, nil), fr(wsframe.OpContinuation, false, []byte("middle")), fr(wsframe.OpContinuation, true, nil))},
			Want:  Expect{Replies: []Reply{echoText("middle")}}},
		{ID: "6.2.1", Title: "valid UTF-8 (Latin)", Steps: []Step{send(text(latin))}, Want: Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.2", Title: "valid UTF-8 in two fragments, split between code points",
			Steps: []Step{send(fr(wsframe.OpText, false, []byte(latin[:8])), fr(wsframe.OpContinuation, true, []byte(latin[8:])))},
			Want:  Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.3", Title: "valid UTF-8 (Latin) in fragments of 1 byte, split inside code points",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(latin), 1)...)}, Want: Expect{Replies: []Reply{echoText(latin)}}},
		{ID: "6.2.4", Title: "valid UTF-8 (Greek) in fragments of 1 byte",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(greek), 1)...)}, Want: Expect{Replies: []Reply{echoText(greek)}}},
		{ID: "6.3.1", Title: "invalid UTF-8 (a surrogate inside Greek)", Steps: []Step{send(text(broken))}, Want: fail},
		{ID: "6.3.2", Title: "invalid UTF-8 (a surrogate inside Greek) in fragments of 1 byte",
			Steps: []Step{send(fragments(wsframe.OpText, []byte(broken), 1)...)}, Want: fail},
		failFast("6.4.1", "fail fast: valid fragment, then a fragment past U+10FFFF, a pause, then the rest",
			[]Step{send(fr(wsframe.OpText, false, []byte(greek))), {Frames: []ws.Frame{fr(wsframe.OpContinuation, false, []byte(tooBig))}, Pause: failTime},
				send(fr(wsframe.OpContinuation, true, []byte("edited")))}),
		failFast("6.4.2", "fail fast: the bad sequence split across two fragments, a pause, then the rest",
			[]Step{send(fr(wsframe.OpText, false, []byte(greek+tooBig[:1]))), {Frames: []ws.Frame{fr(wsframe.OpContinuation, false, []byte(tooBig[1:]))}, Pause: failTime},
				send(fr(wsframe.OpContinuation, true, []byte("edited")))}),
		failFast("6.4.3", "fail fast inside one frame: the frame up to the bad sequence, a pause, then the rest",
			[]Step{{Frames: []ws.Frame{text(greek + tooBig + "edited")}, Cut: len(greek) + len(tooBig), Pause: failTime}, {}}),
		failFast("6.4.4", "fail fast inside one frame: cut inside the bad sequence, after its bad byte",
			[]Step{{Frames: []ws.Frame{text(greek + tooBig + "edited")}, Cut: len(greek) + 2, Pause: failTime}, {}}),
	}
	group := func(g int, list []struct{ name, s string }, valid, split bool) {
		n := 0
		for _, u := range list {
			if split && len(u.s) < 2 {
				continue // one byte: the same as whole
			}
			n++
			c := Case{ID: fmt.Sprintf("6.%d.%d", g, n), Title: u.name}
			if split {
				c.Title += ", in fragments of 1 byte"
				c.Steps = []Step{send(fragments(wsframe.OpText, []byte(u.s), 1)...)}
			} else {
				c.Steps = []Step{send(text(u.s))}
			}
			if valid {
				c.Want = Expect{Replies: []Reply{echoText(u.s)}}
			} else {
				c.Title = "invalid: " + c.Title
				c.Want = fail
			}
			cs = append(cs, c)
		}
	}
	group(5, validUTF8, true, false)
	group(6, validUTF8, true, true)
	group(7, invalidUTF8, false, false)
	group(8, invalidUTF8, false, true)
	return cs
}
