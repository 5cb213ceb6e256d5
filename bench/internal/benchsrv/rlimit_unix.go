//go:build unix

package benchsrv

import (
	"fmt"
	"syscall"
)

// RaiseFileLimit raises this process's limit on open files to at least n,
// raising the hard limit too when it is lower and the process may (root),
// or else as far as the hard limit; it fails when that is below n.
func RaiseFileLimit(n uint64) error {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return fmt.Errorf("failed to read RLIMIT_NOFILE: %w", err)
	}
	if l.Cur >= n {
		return nil
	}
	want := l
	want.Cur = n
	if want.Max < n {
		want.Max = n
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		// Not root: as far as the hard limit goes.
		want = syscall.Rlimit{Cur: l.Max, Max: l.Max}
		if err2 := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err2 != nil || l.Max < n {
			return fmt.Errorf("failed to raise RLIMIT_NOFILE to %d (hard limit %d): %w", n, l.Max, err)
		}
	}
	return nil
}
