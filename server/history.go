//go:build !js

package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"time"
)

// history is the latest events of a stream (the chat room, the ticks),
// kept for clients that come back: one that names the last seq it saw is
// sent what it missed, if all of it is still here. It is bounded by count
// and by age, so that a busy stream's memory and a quiet stream's
// staleness both have a limit. Its owner's lock guards it.
type history struct {
	size int           // the most events kept
	age  time.Duration // the oldest event kept
	buf  []histEntry   // in seq order, seqs consecutive
}

type histEntry struct {
	seq int64
	at  time.Time
	m   *message
}

// add appends the event seq, which follows the last one.
func (h *history) add(seq int64, at time.Time, m *message) {
	if h.size <= 0 {
		return
	}
	if len(h.buf) == h.size {
		// Move down rather than reslice, so that the array does not grow
		// with every event.
		n := copy(h.buf, h.buf[1:])
		h.buf[n] = histEntry{}
		h.buf = h.buf[:n]
	}
	h.buf = append(h.buf, histEntry{seq: seq, at: at, m: m})
}

// reset drops every event: the next one added need not follow them.
func (h *history) reset() {
	clear(h.buf)
	h.buf = h.buf[:0]
}

// prune drops the events older than age.
func (h *history) prune(now time.Time) {
	i := 0
	for i < len(h.buf) && now.Sub(h.buf[i].at) > h.age {
		i++
	}
	if i > 0 {
		n := copy(h.buf, h.buf[i:])
		clear(h.buf[n:])
		h.buf = h.buf[:n]
	}
}

// after returns the events after seq, up to last (the stream's latest),
// and whether they are all still here; it returns false, and nothing, for
// a seq past last. A client with ok false has a gap it must be told of.
func (h *history) after(seq, last int64, now time.Time) (ms []*message, ok bool) {
	h.prune(now)
	switch {
	case seq > last || seq < 0:
		return nil, false
	case seq == last:
		return nil, true
	case len(h.buf) == 0 || h.buf[0].seq > seq+1:
		return nil, false
	}
	for _, e := range h.buf[seq+1-h.buf[0].seq:] {
		ms = append(ms, e.m)
	}
	return ms, true
}

// newEpoch returns a fresh epoch: the name of one numbering of a stream's
// seq. A server that restarts has lost its history and starts counting
// again; a new epoch tells its clients that their seq means nothing here.
func newEpoch() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// resume is what a client that comes back asks for: the events after
// since, in epoch.
type resume struct {
	given bool // since was in the query
	since int64
	epoch string
}

// maxEpoch bounds the epoch a client may send back.
const maxEpoch = 64

// parseResume reads since and epoch from a query. Without since there is
// nothing to resume; a since that is not a number from 0, or an epoch
// longer than 64 bytes, is an error naming it.
func parseResume(q url.Values) (resume, error) {
	s := q.Get("since")
	if s == "" {
		return resume{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return resume{}, errors.New("invalid since " + quoteCut(s) + ": want the last seq seen, a number from 0")
	}
	e := q.Get("epoch")
	if len(e) > maxEpoch {
		return resume{}, errors.New("invalid epoch " + quoteCut(e) + ": longer than 64 bytes")
	}
	return resume{given: true, since: n, epoch: e}, nil
}

// quoteCut quotes the first maxEpoch bytes of a bad value, for an error
// that names it without echoing a whole query back.
func quoteCut(v string) string {
	if len(v) <= maxEpoch {
		return strconv.Quote(v)
	}
	return strconv.Quote(v[:maxEpoch]) + "..."
}

// recoveredField is the welcome's "recovered": absent without since.
func recoveredField(r resume, ok bool) *bool {
	if !r.given {
		return nil
	}
	return &ok
}
