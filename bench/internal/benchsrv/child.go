//go:build !js

package benchsrv

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Child is a server running in a child process.
type Child struct {
	// URL is the child's http://127.0.0.1:port.
	URL   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan error
}

// Start starts this executable as a child server and waits until it
// listens.
func Start(ctx context.Context, cfg Config) (*Child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	env, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envConfig+"="+string(env))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start the %s server: %w", cfg.Mode, err)
	}
	c := &Child{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	lines := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		line, _ := br.ReadString('\n')
		lines <- strings.TrimSpace(line)
		io.Copy(os.Stderr, br) // anything else it prints
	}()
	go func() { c.done <- cmd.Wait() }()
	select {
	case line := <-lines:
		u, ok := strings.CutPrefix(line, "listening ")
		if !ok {
			c.Stop()
			return nil, fmt.Errorf("the %s server said %q, not where it listens", cfg.Mode, line)
		}
		c.URL = u
		return c, nil
	case <-ctx.Done():
		c.Stop()
		return nil, ctx.Err()
	case <-time.After(30 * time.Second):
		c.Stop()
		return nil, fmt.Errorf("the %s server did not start in 30s", cfg.Mode)
	}
}

// Pid is the child's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// WSURL is the ws:// URL of path on the child.
func (c *Child) WSURL(path string) string {
	return "ws" + strings.TrimPrefix(c.URL, "http") + path
}

// Mem asks the child for its memory.
func (c *Child) Mem(ctx context.Context) (Mem, error) {
	var m Mem
	b, err := c.Get(ctx, "/debug/mem")
	if err != nil {
		return m, err
	}
	err = json.Unmarshal(b, &m)
	return m, err
}

// Get fetches path from the child, such as a pprof profile.
func (c *Child) Get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s: %s", path, resp.Status, b)
	}
	return b, err
}

// Stop ends the child: it closes its stdin, and kills it if it has not
// exited 10 seconds later.
func (c *Child) Stop() error {
	c.stdin.Close()
	select {
	case err := <-c.done:
		return err
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		return errors.Join(errors.New("the server did not stop in 10s; killed"), <-c.done)
	}
}
