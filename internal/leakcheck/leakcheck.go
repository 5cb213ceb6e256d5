//go:build !js

// Package leakcheck is the goroutine check that the test binaries of this
// repository run after their tests (from TestMain): every socket, server
// and child must have ended by then.
package leakcheck

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// Check returns 0 when no more goroutines run than base, after waiting up
// to 2 s for those on their way out; else it prints every stack to
// standard error, under name, and returns 1, for os.Exit.
func Check(name string, base int) int {
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			return 0
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	fmt.Fprintf(os.Stderr, "%s: %d goroutines left behind (%d at start):\n%s\n", name, n-base, base, buf)
	return 1
}
