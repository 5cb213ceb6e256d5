//go:build !js

package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
)

// TestRunNATSDown: WSAPI_NATS names a NATS that is not there: the command
// exits 1 at once, naming it, and does not serve alone.
func TestRunNATSDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + l.Addr().String()
	l.Close()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), demoFiles(t), env{"WSAPI_NATS": url}.get, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), url) || stdout.Len() != 0 {
		t.Errorf("status %d, stdout %q, stderr %q; want 1 and an error naming %s", code, stdout.String(), stderr.String(), url)
	}
	c, err := parseConfig([]string{"-nats", "nats://flag:4222"}, env{"WSAPI_NATS": url}.get, io.Discard)
	if err != nil || c.server.NATS != "nats://flag:4222" {
		t.Errorf("-nats over WSAPI_NATS: %v, NATS %q", err, c.server.NATS)
	}
}
