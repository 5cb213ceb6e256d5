//go:build !js

package convtest

import (
	"runtime"

	"github.com/go-wsapi/wsapi/internal/leakcheck"
)

func goroutines() int { return runtime.NumGoroutine() }

// checkLeaks fails the run when goroutines outlive the tests.
func checkLeaks(base int) int { return leakcheck.Check("convtest", base) }
