package reconnect

import "time"

// clock is the time of the retry schedule: when a retry is due, how long
// a connection stayed open, and the wait itself. Tests replace it
// (Options.clock) to check the waits against the schedule exactly.
type clock interface {
	Now() time.Time
	// NewTimer returns a channel that receives once d has passed, and a
	// func that stops it.
	NewTimer(d time.Duration) (<-chan time.Time, func() bool)
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}
