//go:build !js

package main

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// receiver is one chat client that reads, or stops reading when told.
type receiver struct {
	conn    *websocket.Conn
	nick    string
	stalled bool
	pause   atomic.Bool        // stop reading before the next message
	resume  chan struct{}      // closed: read again
	resumed bool               // resume is closed; the run's goroutine's only
	synced  atomic.Int64       // the last sync message seen
	welcome chan struct{}      // closed when the welcome came: it is in the room
	lat     [maxPhases][]int32 // µs
	sentAt  [maxPhases][]int32 // ms since base, of the same messages
	done    chan struct{}      // closed when the read loop has ended
	err     error              // why it ended; read after done
}

// unpause lets a receiver told to pause read again, once.
func (r *receiver) unpause() {
	if !r.resumed {
		r.resumed = true
		close(r.resume)
	}
}

func (r *receiver) read() {
	defer close(r.done)
	buf := make([]byte, 0, 512)
	for {
		if r.pause.Load() {
			<-r.resume
		}
		_, rd, err := r.conn.Reader(context.Background())
		if err == nil {
			buf, err = readAll(rd, buf[:0])
		}
		if err != nil {
			r.err = err
			return
		}
		t := now()
		if r.welcome != nil {
			close(r.welcome)
			r.welcome = nil
		}
		text, ok := sayText(buf)
		if !ok {
			continue // join, leave, welcome
		}
		switch {
		case strings.HasPrefix(text, "sync "):
			k, _ := strconv.ParseInt(text[5:], 10, 64)
			r.synced.Store(k)
		case strings.HasPrefix(text, "p"):
			phase, sent, ok := parseStamp(text)
			if ok && phase < maxPhases {
				r.lat[phase] = append(r.lat[phase], int32((t-sent)/time.Microsecond))
				r.sentAt[phase] = append(r.sentAt[phase], int32(sent/time.Millisecond))
			}
		}
	}
}

// readAll appends what rd holds to buf, reusing its space.
func readAll(rd io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// sayText finds the text of a say event without decoding all of it: the
// server writes "type" first, and the texts here need no escapes.
func sayText(b []byte) (string, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"say"`)) {
		return "", false
	}
	return field(b, `"text":"`)
}

func field(b []byte, key string) (string, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return "", false
	}
	rest := b[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return "", false
	}
	return string(rest[:j]), true
}

// A stamp is "p<phase> <nanoseconds since base>".
func stamp(phase int, t time.Duration) string {
	return "p" + strconv.Itoa(phase) + " " + strconv.FormatInt(int64(t), 10)
}

func parseStamp(s string) (phase int, sent time.Duration, ok bool) {
	p, t, ok := strings.Cut(s[1:], " ")
	if !ok {
		return 0, 0, false
	}
	ph, err1 := strconv.Atoi(p)
	ns, err2 := strconv.ParseInt(t, 10, 64)
	return ph, time.Duration(ns), err1 == nil && err2 == nil
}
