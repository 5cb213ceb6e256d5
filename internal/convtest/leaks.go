//go:build !js

package convtest

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

func goroutines() int { return runtime.NumGoroutine() }

// checkLeaks returns 1, and prints the stacks, when more goroutines run
// than at the start, after waiting up to 2 s for those on their way out.
func checkLeaks(base int) int {
	var n int
	for range 100 {
		if n = runtime.NumGoroutine(); n <= base {
			return 0
		}
		time.Sleep(20 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	fmt.Fprintf(os.Stderr, "%d goroutines left behind (%d at start):\n%s\n", n-base, base, buf)
	return 1
}
