//go:build !js

package main

import (
	"time"
)

// base is the zero of the timestamps the publisher sends: time.Since
// reads the monotonic clock.
var base = time.Now()

func now() time.Duration { return time.Since(base) }
