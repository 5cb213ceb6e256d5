//go:build !js

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHeaderLimits: a request with headers over -max-header-bytes gets
// 431, on the page and on the WebSocket endpoints alike.
func TestHeaderLimits(t *testing.T) {
	checkGoroutines(t)
	url, _, _ := startRun(t, append(demoFiles(t), "-max-header-bytes", "2048"))
	host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")

	for _, tc := range []struct {
		path, headers string
		status        int
	}{
		{"/healthz", "", 200},
		{"/healthz", "Cookie: " + strings.Repeat("c", 1500) + "\r\n", 200},
		{"/healthz", "Cookie: " + strings.Repeat("c", 64<<10) + "\r\n", 431},
		{"/ws/echo", upgradeHeaders + "Cookie: " + strings.Repeat("c", 1500) + "\r\n", 101},
		{"/ws/echo", upgradeHeaders + "Cookie: " + strings.Repeat("c", 64<<10) + "\r\n", 431},
		{"/ws/echo", upgradeHeaders + strings.Repeat("X-Many: header\r\n", 5000), 431},
	} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", tc.path, host, tc.headers)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Errorf("%s with %d bytes of headers: %v", tc.path, len(tc.headers), err)
		} else if resp.StatusCode != tc.status {
			t.Errorf("%s with %d bytes of headers: %s, want %d", tc.path, len(tc.headers), resp.Status, tc.status)
		}
		conn.Close()
	}
}

const upgradeHeaders = "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"

// TestSlowloris: a client that sends its headers too slowly, all at once
// but unfinished or a byte at a time, is cut after -header-timeout, and
// the server goes on serving the others meanwhile.
func TestSlowloris(t *testing.T) {
	checkGoroutines(t)
	const timeout = 300 * time.Millisecond
	url, _, _ := startRun(t, append(demoFiles(t), "-header-timeout", timeout.String()))
	host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")

	half := func(conn net.Conn) {
		fmt.Fprintf(conn, "GET /ws/echo HTTP/1.1\r\nHost: %s\r\n%s", host, upgradeHeaders)
	}
	drip := func(conn net.Conn) {
		fmt.Fprintf(conn, "GET /ws/echo HTTP/1.1\r\nHost: %s\r\nX-Drip: ", host)
		for range 100 {
			if _, err := conn.Write([]byte("a")); err != nil {
				return // cut
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for name, send := range map[string]func(net.Conn){"half-sent": half, "a byte at a time": drip} {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		start := time.Now()
		go send(conn)

		// Another client is served meanwhile.
		resp, err := http.Get(url + "healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: a request meanwhile: %v", name, err)
		} else {
			resp.Body.Close()
		}

		rest, err := io.ReadAll(conn)
		elapsed := time.Since(start)
		if err != nil {
			t.Errorf("%s: %v after %v, want the server to close", name, err, elapsed)
		}
		// net/http answers a timeout by closing, without a word.
		if len(rest) > 0 {
			t.Errorf("%s: the server sent %q", name, rest)
		}
		if elapsed < timeout || elapsed > timeout+5*time.Second {
			t.Errorf("%s: cut after %v, want %v", name, elapsed, timeout)
		}
		t.Logf("%s: cut after %v", name, elapsed.Round(time.Millisecond))
		conn.Close()
	}
	http.DefaultClient.CloseIdleConnections()
}
