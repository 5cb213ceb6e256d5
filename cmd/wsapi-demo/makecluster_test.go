//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestMakeCluster runs `make cluster` as the README tells a user to, with
// two servers: a say on one reaches a member of the other with the same
// seq. Then bob's server is killed (SIGKILL: no goodbye, no cleanup), alice
// says more, and bob, back on alice's server with the last seq he saw,
// recovers exactly what he missed. A Ctrl-C stops what is left. nats-server
// comes from PATH or is built from the module proxy (ci/cluster.sh).
func TestMakeCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the demo and maybe nats-server")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not found")
	}
	base, natsPort := freePorts(t)
	cmd, serving := startMake(t, "cluster", "INSTANCES=2",
		"BASE_PORT="+strconv.Itoa(base), "NATS_PORT="+strconv.Itoa(natsPort), "NATS_DIR="+t.TempDir())
	var addrs []string
	for len(addrs) < 2 {
		select {
		case a, ok := <-serving:
			if !ok {
				t.Fatalf("make cluster ended with %d servers serving", len(addrs))
			}
			addrs = append(addrs, a)
		case <-time.After(5 * time.Minute):
			t.Fatalf("make cluster: %d servers serving", len(addrs))
		}
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	// Each joins (a member sees the room from its own join on), then
	// alice says something; both see it, with one seq.
	alice := dialChat(t, ctx, addrs[0], "alice")
	readUntil(t, ctx, alice, "join")
	bob := dialChat(t, ctx, addrs[1], "bob")
	welcome := readUntil(t, ctx, bob, "welcome")
	readUntil(t, ctx, bob, "join")
	msg, _ := json.Marshal(map[string]string{"type": "say", "text": "across"})
	if err := alice.Write(ctx, websocket.MessageText, msg); err != nil {
		t.Fatal(err)
	}
	a, b := readUntil(t, ctx, alice, "say"), readUntil(t, ctx, bob, "say")
	if a["text"] != "across" || b["text"] != "across" || a["seq"] == nil || a["seq"] != b["seq"] {
		t.Errorf("the say on alice's server: %v; on bob's: %v", a, b)
	}

	// kill -9 bob's server; alice goes on; bob resumes on alice's server.
	killServer(t, addrs[1])
	if _, _, err := bob.Read(ctx); err == nil {
		t.Fatal("bob's connection outlived his server")
	}
	missed := []string{"one", "two", "three"}
	for _, text := range missed {
		msg, _ := json.Marshal(map[string]string{"type": "say", "text": text})
		if err := alice.Write(ctx, websocket.MessageText, msg); err != nil {
			t.Fatal(err)
		}
		readUntil(t, ctx, alice, "say")
	}
	since := int(b["seq"].(float64))
	back := dialChat(t, ctx, addrs[0], fmt.Sprintf("bob&since=%d&epoch=%s", since, welcome["epoch"]))
	w := readUntil(t, ctx, back, "welcome")
	if w["recovered"] != true {
		t.Fatalf("bob's resume on the other server: %v, want recovered true", w)
	}
	for i, text := range missed {
		m := readUntil(t, ctx, back, "say")
		if m["text"] != text || int(m["seq"].(float64)) <= since+i {
			t.Errorf("replayed say %d: %v, want %q after seq %d", i, m, text, since+i)
		}
	}
	alice.CloseNow()
	back.CloseNow()

	syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) // Ctrl-C
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case <-waited:
	case <-time.After(time.Minute):
		t.Fatal("make cluster did not end on Ctrl-C")
	}
	for _, a := range []string{addrs[0], net.JoinHostPort("127.0.0.1", strconv.Itoa(natsPort))} {
		waitGone(t, a, "Ctrl-C")
	}
}

// killServer kills with SIGKILL the wsapi-demo process serving on addr,
// found by its command line in /proc.
func killServer(t *testing.T, addr string) {
	t.Helper()
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc to find the server on %s: %v", addr, err)
	}
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", d.Name(), "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(string(cmdline), "\x00")
		if filepath.Base(args[0]) == "wsapi-demo" && slices.Contains(args, addr) {
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			return
		}
	}
	t.Fatalf("no wsapi-demo process serving %s", addr)
}

// freePorts returns a port p such that p and p+1 are free, for two
// servers, and another free port, for NATS.
func freePorts(t *testing.T) (base, other int) {
	t.Helper()
	for range 50 {
		l1, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l1.Addr().(*net.TCPAddr).Port
		l2, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1))
		if err != nil {
			l1.Close()
			continue
		}
		l3, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		q := l3.Addr().(*net.TCPAddr).Port
		l1.Close()
		l2.Close()
		l3.Close()
		return p, q
	}
	t.Fatal("no two free ports in a row")
	return 0, 0
}

// readUntil reads c's messages up to the first of type typ, and returns it.
func readUntil(t *testing.T, ctx context.Context, c *websocket.Conn, typ string) map[string]any {
	t.Helper()
	for {
		_, data, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for a %s: %v", typ, err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if m["type"] == typ {
			return m
		}
	}
}

// dialChat joins the chat of the server at addr as nick.
func dialChat(t *testing.T, ctx context.Context, addr, nick string) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws/chat?nick="+nick, nil)
	if err != nil {
		t.Fatalf("chat on %s: %v", addr, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}
