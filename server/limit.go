//go:build !js

package server

import (
	"errors"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// errInvalidUTF8 ends a connection that sent a text message that is not
// UTF-8.
var errInvalidUTF8 = errors.New("invalid UTF-8")

// errRateLimit ends a connection whose client sends faster than
// Options.RateLimit allows.
var errRateLimit = errors.New("rate limit exceeded")

// limiter is a token bucket: it holds up to burst tokens, refills at rate
// a second, and every message takes one. Only the connection's read loop
// uses it, so it needs no lock. A nil *limiter allows everything.
type limiter struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

// newLimiter returns a full bucket, or nil when rate is negative (off).
func newLimiter(rate float64, burst int, now time.Time) *limiter {
	if rate < 0 {
		return nil
	}
	return &limiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// allow takes a token for a message received at now, and reports whether
// there was one.
func (l *limiter) allow(now time.Time) bool {
	if l == nil {
		return true
	}
	if d := now.Sub(l.last); d > 0 {
		l.tokens = min(l.burst, l.tokens+d.Seconds()*l.rate)
		l.last = now
	}
	if l.tokens < 1 {
		return false
	}
	l.tokens--
	return true
}

// readMessage reads the next message and holds it to the rules every
// endpoint shares: the rate limit, and UTF-8 in a text message, which
// RFC 6455 (8.1) wants checked by whoever receives it, even to drop it.
func (c *client) readMessage() (websocket.MessageType, []byte, error) {
	typ, data, err := c.conn.Read(context0)
	if err != nil {
		return 0, nil, err
	}
	if !c.limit.allow(time.Now()) {
		return 0, nil, errRateLimit
	}
	if typ == websocket.MessageText && !utf8.Valid(data) {
		return 0, nil, errInvalidUTF8
	}
	return typ, data, nil
}
