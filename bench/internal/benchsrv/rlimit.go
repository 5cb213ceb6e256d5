//go:build !js

package benchsrv

import (
	"fmt"
	"syscall"
)

// RaiseFileLimit raises this process's limit on open files to at least n,
// or fails. Go has raised the soft limit to the hard one at start-up;
// above the hard limit only root may go.
func RaiseFileLimit(n uint64) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("failed to read RLIMIT_NOFILE: %w", err)
	}
	if l.Cur >= n {
		return nil
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: n, Max: max(l.Max, n)}); err != nil {
		return fmt.Errorf("failed to raise RLIMIT_NOFILE to %d (hard limit %d): %w", n, l.Max, err)
	}
	return nil
}
