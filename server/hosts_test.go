//go:build !js

package server_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

// rebound dials path of ts under the name host, as a browser does once
// host's DNS points at ts: the request's Host and Origin are host's, the
// TCP connection goes to ts.
func rebound(t *testing.T, ctx context.Context, ts *testServer, host, path string) int {
	t.Helper()
	addr := ts.http.Listener.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	origin := "http://" + net.JoinHostPort(host, port)
	c, resp, err := websocket.Dial(ctx, "ws://"+net.JoinHostPort(host, port)+path, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: tr},
		HTTPHeader: http.Header{"Origin": {origin}},
	})
	if err == nil {
		c.CloseNow()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s as %s: %v", path, host, err)
	}
	return resp.StatusCode
}

// TestDNSRebinding: a page whose name was pointed at the server sends
// Origin and Host of its own name, which match; the Host allow-list is
// what refuses it.
func TestDNSRebinding(t *testing.T) {
	checkGoroutines(t)
	ctx := testContext(t)
	ts := startServer(t, nil)
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"evil.example", 403},
		{"localhost", 101},
		{"LOCALHOST", 101},
		{"127.0.0.1", 101},
	} {
		for _, path := range []string{"/ws/echo", "/ws/chat", "/ws/ticks"} {
			if got := rebound(t, ctx, ts, tc.host, path); got != tc.status {
				t.Errorf("%s as %s: HTTP %d, want %d", path, tc.host, got, tc.status)
			}
		}
	}
	ts.logs.wait(t, func(l map[string]any) bool {
		return l["msg"] == "ws refused" && strings.HasPrefix(l["host"].(string), "evil.example:")
	})

	named := startServer(t, &server.Options{AllowedHosts: []string{"*.example.org"}})
	for _, tc := range []struct {
		host   string
		status int
	}{
		{"chat.example.org", 101},
		{"evil.example", 403},
		{"localhost", 403}, // the list replaces the default
		{"127.0.0.1", 101},
	} {
		if got := rebound(t, ctx, named, tc.host, "/ws/echo"); got != tc.status {
			t.Errorf("AllowedHosts *.example.org, as %s: HTTP %d, want %d", tc.host, got, tc.status)
		}
	}
}

func TestAllowedHostsErrors(t *testing.T) {
	for _, p := range []string{"", "http://a.example", "a.example:8080", "[a-", "[::1]:8080", "[::1", "a:b"} {
		_, err := server.New(&server.Options{AllowedHosts: []string{p}})
		if err == nil || !strings.Contains(err.Error(), "bad host pattern") {
			t.Errorf("AllowedHosts %q: %v, want a bad host pattern error", p, err)
		}
	}
	// An IPv6 address in brackets is a host, if one that always passes;
	// brackets also make a glob's class of characters.
	for _, p := range []string{"[::1]", "chat[0-9].example.org"} {
		if _, err := server.New(&server.Options{AllowedHosts: []string{p}}); err != nil && strings.Contains(err.Error(), "bad host pattern") {
			t.Errorf("AllowedHosts %q: %v", p, err)
		}
	}
}
