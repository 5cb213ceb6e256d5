//go:build !js

package leakcheck

import (
	"runtime"
	"testing"
)

func TestCheck(t *testing.T) {
	base := runtime.NumGoroutine()
	if got := Check("test", base); got != 0 {
		t.Fatalf("Check with nothing left = %d, want 0", got)
	}
	stop := make(chan struct{})
	go func() { <-stop }()
	got := Check("test (a goroutine left on purpose)", base)
	close(stop)
	if got != 1 {
		t.Fatalf("Check with a goroutine left = %d, want 1", got)
	}
}
