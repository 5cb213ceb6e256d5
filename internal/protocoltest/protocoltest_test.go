//go:build !js

package protocoltest

import (
	"slices"
	"testing"
)

// TestCases checks the table's shape: unique IDs, every family, steps that
// the tester can play.
func TestCases(t *testing.T) {
	seen := map[string]bool{}
	families := map[string]int{}
	for _, c := range Cases() {
		if seen[c.ID] {
			t.Errorf("%s: ID used twice", c.ID)
		}
		seen[c.ID] = true
		families[c.Family()]++
		if Families[c.Family()] == "" || c.Title == "" || len(c.Steps) == 0 {
			t.Errorf("%s: no family name, title or steps", c.ID)
		}
		if c.FailBy < 0 || c.FailBy >= len(c.Steps) || c.FailBy > 0 && c.Want.Fail == 0 {
			t.Errorf("%s: FailBy %d of %d steps", c.ID, c.FailBy, len(c.Steps))
		}
		for i, s := range c.Steps {
			if s.Cut > 0 && (len(s.Frames) == 0 || s.Cut >= len(s.Frames[0].Payload) || i == len(c.Steps)-1) {
				t.Errorf("%s: step %d cuts where it cannot", c.ID, i)
			}
		}
	}
	for f := range Families {
		if families[f] == 0 {
			t.Errorf("no case of family %s", f)
		}
	}
}

// TestLines checks that a trace parses back to an observation that is
// judged the same.
func TestLines(t *testing.T) {
	fast := false
	for _, o := range []Observation{
		{Replies: []Reply{echoText("hi"), pongOf("")}, Close: &CloseFrame{Code: 1000, Reason: "bye"}, EOF: true},
		{Close: &CloseFrame{Code: 1002, Reason: "implementation's words"}, CloseFirst: true, ServerClosed: true},
		{Close: &CloseFrame{Code: 1002}, FailFast: &fast, EOF: true},
		{Close: &CloseFrame{Bad: true}, CloseFirst: true, After: []Reply{pongOf("x")}, Faults: []string{"reserved bits 100"}, EOF: true},
		{Dropped: true, EOF: true},
		{Hang: true},
	} {
		lines := o.Lines()
		p, err := ParseLines(lines)
		if err != nil {
			t.Fatalf("%q: %v", lines, err)
		}
		if got := p.Lines(); !slices.Equal(got, lines) {
			t.Errorf("lines %q parse back as %q", lines, got)
		}
		for _, c := range Cases()[:40] {
			l1, d1 := c.Judge(o)
			l2, d2 := c.Judge(p)
			if l1 != l2 || d1 != d2 {
				t.Errorf("%s on %q: %s (%s), parsed %s (%s)", c.ID, lines, l1, d1, l2, d2)
			}
		}
	}
}

// TestJudge checks the labels on made-up observations.
func TestJudge(t *testing.T) {
	byID := map[string]Case{}
	for _, c := range Cases() {
		byID[c.ID] = c
	}
	late, fast := false, true
	ping0 := byID["2.1"].Want.Replies
	for _, tc := range []struct {
		id    string
		o     Observation
		label string
	}{
		{"2.1", Observation{Replies: ping0, Close: &CloseFrame{Code: 1000}, EOF: true}, Pass},
		{"2.1", Observation{Close: &CloseFrame{Code: 1000}, EOF: true}, Wrong},
		{"2.1", Observation{Replies: ping0, Close: &CloseFrame{Code: 1000}}, Hang},
		{"2.5", Observation{Close: &CloseFrame{Code: 1002}, CloseFirst: true, EOF: true}, "FAILED-CONNECTION 1002"},
		{"2.5", Observation{Dropped: true, EOF: true}, "FAILED-CONNECTION no close frame"},
		{"2.5", Observation{Replies: []Reply{pongOf(textOf(126))}, Close: &CloseFrame{Code: 1000}, EOF: true}, Accepted},
		{"2.10", Observation{Replies: byID["2.10"].Want.Replies[9:], Close: &CloseFrame{Code: 1000}, EOF: true}, NonStrict},
		{"3.3", Observation{Close: &CloseFrame{Code: 1002}, CloseFirst: true, EOF: true}, NonStrict},
		{"6.4.1", Observation{Close: &CloseFrame{Code: 1007}, CloseFirst: true, FailFast: &fast, EOF: true}, "FAILED-CONNECTION 1007"},
		{"6.4.1", Observation{Close: &CloseFrame{Code: 1007}, CloseFirst: true, FailFast: &late, EOF: true}, NonStrict},
		{"6.4.1", Observation{Close: &CloseFrame{Code: 1002}, CloseFirst: true, FailFast: &late, EOF: true}, "FAILED-CONNECTION 1002 late"},
		{"7.3.2", Observation{Close: &CloseFrame{Code: 1002}, EOF: true}, "FAILED-CONNECTION 1002"},
		{"7.3.1", Observation{Close: &CloseFrame{Code: 1005}, ServerClosed: true}, Pass},
		{"7.7.2", Observation{Close: &CloseFrame{Code: 1000}, EOF: true}, NonStrict},
		{"7.1.4", Observation{Close: &CloseFrame{Code: 1000}, After: []Reply{echoText("after close")}, EOF: true}, Wrong},
	} {
		if got, detail := byID[tc.id].Judge(tc.o); got != tc.label {
			t.Errorf("%s on %q: %s (%s), want %s", tc.id, tc.o.Lines(), got, detail, tc.label)
		}
	}
}
