//go:build !js

package protocoltest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Observation is what the tester saw of the peer.
type Observation struct {
	// Replies are the peer's messages (reassembled), pings and pongs
	// before its close frame, in order.
	Replies []Reply
	// Close is the peer's close frame, if any. CloseFirst says whether the
	// peer sent it before the tester sent one (it failed or closed the
	// connection) rather than in answer to the tester's.
	Close      *CloseFrame
	CloseFirst bool
	// Dropped: the peer closed TCP before it sent a close frame, and
	// before the tester sent one.
	Dropped bool
	// After is what the peer sent after its close frame: nothing is
	// allowed there.
	After []Reply
	// Faults are the peer's frames that break RFC 6455 for its role
	// (masking, reserved bits or opcodes, fragmentation) or could not be
	// read.
	Faults []string
	// FailFast is set for a case with FailBy: whether the peer had closed
	// before that step was to be sent.
	FailFast *bool
	// EOF: the peer closed TCP (or reset it).
	EOF bool
	// ServerClosed: the tester, playing the server, closed TCP once the
	// close frames were exchanged, as RFC 6455 section 7.1.1 has the server
	// do; whether the client had closed TCP already is not recorded.
	ServerClosed bool
	// Hang: the run reached CaseTimeout.
	Hang bool
}

// Reply is a message or control frame from the peer. Kind is text, binary,
// ping, pong or close.
type Reply struct {
	Kind string
	Data []byte
	sum  string // the Digest of Data, which alone is known when parsed
}

// CloseFrame is the peer's close frame.
type CloseFrame struct {
	Code   int // wsframe.NoStatus for an empty payload
	Reason string
	Bad    bool // a payload of 1 byte, which cannot hold a code
}

func (r Reply) String() string { return r.Kind + " " + r.digest() }

func (r Reply) digest() string {
	if r.sum != "" {
		return r.sum
	}
	return Digest(r.Data)
}

// Digest is a short and exact stand-in for a payload: its length and its
// FNV-1a hash, as "5 4f9f2cab". testdata/js/protocol.html in package wsapi
// computes the same.
func Digest(b []byte) string {
	h := fnv.New32a()
	h.Write(b)
	return fmt.Sprintf("%d %08x", len(b), h.Sum32())
}

// sameReplies compares replies by kind and digest, so that an observation
// made here compares with one parsed from lines.
func sameReplies(a, b []Reply) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].String() != b[i].String() {
			return false
		}
	}
	return true
}

// Lines renders o as a trace, one fact a line. The reason of a close frame
// that fails the connection is left out, as its wording is the
// implementation's own; the reason of any other close that answers the
// tester's is kept, as a peer typically echoes it.
func (o Observation) Lines() []string {
	var l []string
	for _, r := range o.Replies {
		l = append(l, "recv "+r.String())
	}
	if c := o.Close; c != nil {
		switch {
		case c.Bad:
			l = append(l, "recv bad close (1 byte)")
		case o.CloseFirst:
			l = append(l, "recv close "+strconv.Itoa(c.Code))
		case failureCodes[c.Code]:
			l = append(l, "recv close-reply "+strconv.Itoa(c.Code))
		default:
			l = append(l, "recv close-reply "+strconv.Itoa(c.Code)+" "+JSString(c.Reason))
		}
	}
	if o.Dropped {
		l = append(l, "dropped")
	}
	for _, r := range o.After {
		l = append(l, "recv after close "+r.String())
	}
	for _, f := range o.Faults {
		l = append(l, "fault "+f)
	}
	if o.FailFast != nil {
		l = append(l, map[bool]string{true: "failed fast", false: "failed late"}[*o.FailFast])
	}
	switch {
	case o.Hang:
		l = append(l, "hang")
	case o.ServerClosed:
		l = append(l, "server closed TCP")
	case o.EOF:
		l = append(l, "eof")
	default:
		l = append(l, "no eof")
	}
	return l
}

// failureCodes are the codes of a close that fails the connection; the
// reason that comes with them is the implementation's own wording.
var failureCodes = map[int]bool{1002: true, 1007: true, 1009: true, 1011: true}

// ParseLines is the inverse of Lines, for traces recorded elsewhere.
// Payloads come back as their digests.
func ParseLines(lines []string) (Observation, error) {
	var o Observation
	reply := func(s string) (Reply, error) {
		kind, d, ok := strings.Cut(s, " ")
		if !ok || len(strings.Fields(d)) != 2 {
			return Reply{}, fmt.Errorf("bad reply %q", s)
		}
		return Reply{Kind: kind, sum: d}, nil
	}
	for _, line := range lines {
		var err error
		switch {
		case strings.HasPrefix(line, "recv after close "):
			var r Reply
			r, err = reply(strings.TrimPrefix(line, "recv after close "))
			o.After = append(o.After, r)
		case line == "recv bad close (1 byte)":
			o.Close, o.CloseFirst = &CloseFrame{Bad: true}, true
		case strings.HasPrefix(line, "recv close-reply "):
			code, reason, hasReason := strings.Cut(strings.TrimPrefix(line, "recv close-reply "), " ")
			o.Close = &CloseFrame{}
			if o.Close.Code, err = strconv.Atoi(code); err == nil && hasReason {
				err = json.Unmarshal([]byte(reason), &o.Close.Reason)
			}
		case strings.HasPrefix(line, "recv close "):
			o.Close, o.CloseFirst = &CloseFrame{}, true
			o.Close.Code, err = strconv.Atoi(strings.TrimPrefix(line, "recv close "))
		case strings.HasPrefix(line, "recv "):
			var r Reply
			r, err = reply(strings.TrimPrefix(line, "recv "))
			o.Replies = append(o.Replies, r)
		case line == "dropped":
			o.Dropped = true
		case strings.HasPrefix(line, "fault "):
			o.Faults = append(o.Faults, strings.TrimPrefix(line, "fault "))
		case line == "failed fast", line == "failed late":
			fast := line == "failed fast"
			o.FailFast = &fast
		case line == "hang":
			o.Hang = true
		case line == "eof":
			o.EOF = true
		case line == "server closed TCP":
			o.ServerClosed = true
		case line == "no eof":
		default:
			err = fmt.Errorf("unknown line %q", line)
		}
		if err != nil {
			return o, err
		}
	}
	return o, nil
}
