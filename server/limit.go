//go:build !js

package server

import (
	"errors"
	"time"
)

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

// received counts a message against the client's rate limit.
func (c *client) received() error {
	if !c.limit.allow(time.Now()) {
		return errRateLimit
	}
	return nil
}
