package reconnect

import (
	"math"
	"time"
)

// Backoff is the retry schedule: how long to wait before each attempt
// after a connection ended. It is kept apart from the socket so that the
// schedule can be read, and tested, alone.
type Backoff struct {
	Min    time.Duration // the bound of the first retry's delay
	Max    time.Duration // the largest bound, and so the largest delay
	Factor float64       // how much the bound grows from one retry to the next
}

// Delay returns the wait before retry number attempt (1 for the first
// retry after a connection ended) with "full jitter": a delay drawn
// uniformly below the attempt's bound, min(Max, Min·Factor^(attempt-1)),
// where r in [0, 1) is the draw. Full jitter spreads the clients of a
// server that restarted over the whole window instead of bringing them
// back in waves, which is what a fixed or "equal jitter" schedule does.
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	bound := b.Bound(attempt)
	r = min(max(r, 0), 1)
	return time.Duration(r * float64(bound))
}

// Bound returns the largest delay of retry number attempt:
// min(Max, Min·Factor^(attempt-1)), and Min for an attempt below 1.
func (b Backoff) Bound(attempt int) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	f := float64(b.Min) * math.Pow(b.Factor, float64(attempt-1))
	if f >= float64(b.Max) || math.IsInf(f, 0) || math.IsNaN(f) {
		return b.Max
	}
	return time.Duration(f)
}
