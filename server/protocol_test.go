//go:build !js

package server_test

import (
	"context"
	"log"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/protocoltest"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// serverDeviations are the cases where the server does not do what RFC
// 6455 asks, and why. A case listed here that starts to pass fails the
// test, so that the list only shrinks. Patterns are path.Match patterns of
// case IDs.
var serverDeviations = []struct{ cases, why string }{
	{"7.5.1", "coder/websocket does not check that a close reason is UTF-8 (its Autobahn run excludes 7.5.1): " +
		"the server answers the close as if it were valid"},
}

func serverDeviation(id string) string {
	for _, d := range serverDeviations {
		if ok, _ := path.Match(d.cases, id); ok {
			return d.why
		}
	}
	return ""
}

// TestProtocol plays the protocol table (package internal/protocoltest:
// the intent of Autobahn's case families 1-7) against /ws/echo, from a raw
// client that writes every frame by hand, masked as a client must. Each
// case must end with the outcome RFC 6455 asks for, or the case's
// acceptable variant, or be a known deviation; the server's handler must
// return after each, and nothing may panic. Run with -v for the summary
// of outcomes per family; it is printed anyway when the test fails.
func TestProtocol(t *testing.T) {
	checkGoroutines(t)
	ts := newServer(t, nil)
	var httpLog logBuffer
	ts.http.Config.ErrorLog = log.New(&httpLog, "", 0)
	ts.http.Start()
	addr := ts.http.Listener.Addr().String()

	var sum protocoltest.Summary
	t.Run("cases", func(t *testing.T) {
		for _, c := range protocoltest.Cases() {
			t.Run(c.ID, func(t *testing.T) {
				t.Parallel()
				label, detail := playServer(t, ts, addr, c)
				why := serverDeviation(c.ID)
				ok := label == c.Strict() || label == protocoltest.NonStrict
				switch {
				case ok && why != "":
					sum.Add(c, label)
					t.Errorf("%s (%s): %s, yet listed as a known deviation (%s): remove it from serverDeviations", c.ID, c.Title, label, why)
				case ok:
					sum.Add(c, label)
					if detail != "" {
						t.Logf("%s: %s: %s", c.ID, label, detail)
					}
				case why != "":
					sum.Add(c, "known deviation: "+label)
					t.Logf("%s (%s): known deviation: %s, want %s: %s", c.ID, c.Title, label, c.Strict(), why)
				default:
					sum.Add(c, label)
					t.Errorf("%s (%s): %s, want %s: %s", c.ID, c.Title, label, c.Strict(), detail)
				}
			})
		}
	})
	if s := httpLog.String(); s != "" {
		t.Errorf("the HTTP server logged errors (a panic?):\n%s", s)
	}
	t.Logf("protocol table against /ws/echo, per family:\n%s", sum.String())
}

// playServer plays one case on a connection of its own and judges it. A
// case whose server handler is still running a moment after the tester is
// done is a hang.
func playServer(t *testing.T, ts *testServer, addr string, c protocoltest.Case) (label, detail string) {
	ctx, cancel := context.WithTimeout(t.Context(), protocoltest.CaseTimeout)
	defer cancel()
	conn, br, err := wstest.Dial(ctx, addr, "/ws/echo", nil)
	if err != nil {
		t.Fatal(err)
	}
	local := conn.LocalAddr().String()
	obs := protocoltest.Run(conn, br, protocoltest.AsClient, c)
	label, detail = c.Judge(obs)
	if !handlerDone(ts, local, 2*time.Second) {
		return protocoltest.Hang, "the server's handler did not return; " + detail
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("%s %s: %s", c.ID, c.Title, strings.Join(obs.Lines(), " | "))
	}
	return label, detail
}

// handlerDone waits up to d for the log line of the connection from remote
// to close, which the handler writes as it returns.
func handlerDone(ts *testServer, remote string, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		for _, l := range ts.logs.lines() {
			if l["msg"] == "ws close" && l["remote"] == remote {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}
