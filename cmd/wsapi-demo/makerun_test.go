//go:build !js

package main

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestMakeRun runs `make run` as a user would, then stops it the two ways a
// user does: Ctrl-C, which the terminal sends to the whole process group,
// and a kill of make alone, which make passes on to the command it runs as
// SIGTERM. Either way the server must stop: a server left listening is an
// orphan (as `go run` leaves one on SIGTERM: it dies, its child does not).
func TestMakeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the demo")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found")
	}
	for _, stop := range []string{"ctrl-c", "kill make"} {
		t.Run(stop, func(t *testing.T) {
			cmd, addr := startMake(t, "run", "ADDR=127.0.0.1:0")
			var a string
			select {
			case a = <-addr:
			case <-time.After(3 * time.Minute):
				t.Fatal("make run printed no address")
			}
			if a == "" {
				t.Fatal("make run ended without serving")
			}
			if stop == "ctrl-c" {
				syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
			} else {
				cmd.Process.Signal(syscall.SIGTERM)
			}
			waited := make(chan error, 1)
			go func() { waited <- cmd.Wait() }()
			select {
			case err := <-waited:
				var exit *exec.ExitError
				if err != nil && !errors.As(err, &exit) {
					t.Fatal(err)
				}
			case <-time.After(time.Minute):
				t.Fatal("make did not end")
			}
			// make has ended; the server must have too.
			waitGone(t, a, stop)
		})
	}
}
