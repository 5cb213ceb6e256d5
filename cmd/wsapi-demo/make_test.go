//go:build !js

package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// startMake runs make with args at the repository's root, as a terminal
// runs a job (a process group of its own, killed when the test ends
// whatever happens), and sends on the channel each address the servers
// print as "serving http://ADDR/"; it is closed when make's output ends.
func startMake(t *testing.T, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-s"}, args...)...)
	cmd.Dir = filepath.Join("..", "..")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	serving := make(chan string, 8)
	go func() {
		re := regexp.MustCompile(`^serving http://(127\.0\.0\.1:\d+)/`)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				serving <- m[1]
			}
		}
		close(serving)
	}()
	return cmd, serving
}

// waitGone fails the test unless addr stops listening within 30 s (a
// shutdown is bounded by -shutdown-timeout): a server still listening
// after its make ended is an orphan.
func waitGone(t *testing.T, addr, after string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("after %s, %s still listens: orphaned", after, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
