//go:build !js

package main

import (
	"bufio"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
			cmd := exec.Command("make", "-s", "run", "ADDR=127.0.0.1:0")
			cmd.Dir = filepath.Join("..", "..")
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's job
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // whatever happens
			addr := make(chan string, 1)
			go func() {
				serving := regexp.MustCompile(`^serving http://(127\.0\.0\.1:\d+)/`)
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if m := serving.FindStringSubmatch(sc.Text()); m != nil {
						addr <- m[1]
					}
				}
				close(addr)
			}()
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
			// make has ended; the server must have too, or be on its
			// way out (a shutdown is bounded by -shutdown-timeout).
			deadline := time.Now().Add(30 * time.Second)
			for {
				c, err := net.Dial("tcp", a)
				if err != nil {
					break
				}
				c.Close()
				if time.Now().After(deadline) {
					t.Fatalf("after %s, the server still listens on %s: orphaned", stop, a)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
