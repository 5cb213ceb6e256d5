//go:build !js

package main

import (
	"bytes"
	"context"
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

// ended reports whether the read loop has ended.
func (r *receiver) ended() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
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
	var buf bytes.Buffer
	for {
		if r.pause.Load() {
			<-r.resume
		}
		if r.err = readMessage(r.conn, &buf); r.err != nil {
			return
		}
		t := now()
		if r.welcome != nil {
			close(r.welcome)
			r.welcome = nil
		}
		text, ok := sayText(buf.Bytes())
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

// readMessage reads c's next message into buf, reusing its space.
func readMessage(c *websocket.Conn, buf *bytes.Buffer) error {
	_, rd, err := c.Reader(context.Background())
	if err == nil {
		buf.Reset()
		_, err = buf.ReadFrom(rd)
	}
	return err
}

// sayText finds the text of a say event without decoding all of it: the
// server writes "type" first, and the texts here need no escapes.
func sayText(b []byte) (string, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"say"`)) {
		return "", false
	}
	_, rest, ok := bytes.Cut(b, []byte(`"text":"`))
	text, _, closed := bytes.Cut(rest, []byte(`"`))
	return string(text), ok && closed
}

// base is the zero of the timestamps the publisher sends: time.Since
// reads the monotonic clock.
var base = time.Now()

func now() time.Duration { return time.Since(base) }

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
