//go:build !js

package protocoltest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Outcome labels.
const (
	Pass      = "PASS"
	NonStrict = "NON-STRICT"
	Accepted  = "ACCEPTED" // went on where it had to fail the connection
	Wrong     = "WRONG"
	Hang      = "HANG"
)

// FailedConnection is the label of a connection the peer failed, sending a
// close frame with code first; 0 stands for none, -1 for a close frame of
// one byte.
func FailedConnection(code int) string {
	switch code {
	case 0:
		return "FAILED-CONNECTION no close frame"
	case -1:
		return "FAILED-CONNECTION bad close frame"
	}
	return "FAILED-CONNECTION " + strconv.Itoa(code)
}

// Strict is the label of the outcome RFC 6455 asks for.
func (c Case) Strict() string {
	if c.Want.Fail != 0 {
		return FailedConnection(c.Want.Fail)
	}
	return Pass
}

// Judge labels what the peer did: the strict label when it did exactly
// what the case expects, NON-STRICT when it did the case's variant, and
// otherwise what it did, with the details that differ.
func (c Case) Judge(o Observation) (label, detail string) {
	label, detail = c.describe(o)
	if label == c.Strict() && detail == "" {
		return label, ""
	}
	if v := c.Want.NonStrict; v != nil {
		alt := c
		alt.Want.Replies = slices.Clone(c.Want.Replies)
		alt.Want.NonStrict = nil
		v.Alter(&alt)
		if l, d := alt.describe(o); l == c.Strict() && d == "" {
			return NonStrict, v.Why
		}
	}
	return label, detail
}

// describe says what the peer did, and what of it differs from the case.
func (c Case) describe(o Observation) (string, string) {
	if o.Hang {
		return Hang, "the case did not end in time"
	}
	var issues []string
	issues = append(issues, o.Faults...)
	if !sameReplies(o.Replies, c.Want.Replies) {
		issues = append(issues, fmt.Sprintf("replies %v, want %v", o.Replies, c.Want.Replies))
	}
	if len(o.After) > 0 {
		issues = append(issues, fmt.Sprintf("sent %v after its close frame", o.After))
	}
	if !o.EOF && !o.ServerClosed {
		return Hang, strings.Join(append(issues, "the peer did not close TCP"), "; ")
	}
	// A peer that fails the connection sends its close first, or, where
	// the fault is the tester's close frame, answers it with the code of a
	// failure.
	failed := o.Dropped || o.Close != nil && (o.CloseFirst || c.Want.Fail != 0 && o.Close.Code == c.Want.Fail)
	if failed {
		code := 0 // none
		switch {
		case o.Close == nil:
		case o.Close.Bad:
			code = -1
		default:
			code = o.Close.Code
		}
		label := FailedConnection(code)
		if c.FailBy > 0 && o.FailFast != nil && !*o.FailFast {
			// Failed, but only once the rest of the message was sent.
			label += " late"
		}
		if len(issues) > 0 && c.Want.Fail != 0 {
			return Wrong, label + ", but " + strings.Join(issues, "; ")
		}
		return label, strings.Join(issues, "; ")
	}
	// The tester closed first.
	if o.Close == nil {
		return Wrong, strings.Join(append(issues, "no close frame in answer to ours"), "; ")
	}
	if c.Want.Fail != 0 {
		return Accepted, strings.Join(issues, "; ")
	}
	want := c.Want.CloseReply
	if len(want) == 0 {
		want = []int{1000}
	}
	if !slices.Contains(want, o.Close.Code) {
		issues = append(issues, fmt.Sprintf("answered our close with %d, want %v", o.Close.Code, want))
	}
	if len(issues) > 0 {
		return Wrong, strings.Join(issues, "; ")
	}
	return Pass, ""
}

// Summary counts outcomes per family, safely from parallel tests.
type Summary struct {
	mu     sync.Mutex
	counts map[string]map[string]int // family -> label -> count
	total  int
}

// Add counts one case of the family with the label.
func (s *Summary) Add(c Case, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = map[string]map[string]int{}
	}
	f := c.Family()
	if s.counts[f] == nil {
		s.counts[f] = map[string]int{}
	}
	s.counts[f][label]++
	s.total++
}

// String prints a line per family: its cases, then each label's count.
func (s *Summary) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var fams []string
	for f := range s.counts {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	var b strings.Builder
	all := map[string]int{}
	for _, f := range fams {
		n := 0
		var labels []string
		for l, k := range s.counts[f] {
			labels = append(labels, l)
			n += k
			all[l] += k
		}
		sort.Strings(labels)
		fmt.Fprintf(&b, "  %-18s %3d:", f+" "+Families[f], n)
		for i, l := range labels {
			sep := " "
			if i > 0 {
				sep = ", "
			}
			fmt.Fprintf(&b, "%s%s %d", sep, l, s.counts[f][l])
		}
		b.WriteString("\n")
	}
	var labels []string
	for l := range all {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	fmt.Fprintf(&b, "  %-18s %3d:", "all", s.total)
	for i, l := range labels {
		sep := " "
		if i > 0 {
			sep = ", "
		}
		fmt.Fprintf(&b, "%s%s %d", sep, l, all[l])
	}
	b.WriteString("\n")
	return b.String()
}
