//go:build !js

package reconnect_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wsapi"
)

// TestServerRestart: the server is killed, refuses while down, and comes
// back on the same port; the socket reconnects.
func TestServerRestart(t *testing.T) {
	ts, err := startServer("")
	if err != nil {
		t.Fatal(err)
	}
	defer ts.kill()
	o := fast()
	o.MinDelay, o.MaxDelay = 5*time.Millisecond, 20*time.Millisecond
	o.Rand = func() float64 { return 1 }
	s, err := reconnect.New(ts.URL("/hello?key="+key(t)), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.expect("open 1", "message open 1")
	ts.kill()
	r.expect("close 1006 CONNECTING", "retry 1")
	// Down: refused, again and again.
	r.expect("error", "close 1006 CONNECTING", "retry 2")
	if err := ts.restart(); err != nil {
		t.Fatal(err)
	}
	r.until("open 2")
	r.expect("message open 2")
	s.SendText("back")
	r.expect("message back")
}

// TestSilentNetwork: behind a proxy that stops forwarding without closing,
// the idle timeout notices, and the dead connection's closing handshake
// does not hold the socket's Done past its close timeout.
func TestSilentNetwork(t *testing.T) {
	p := wstest.StartSilentProxy(t, strings.TrimPrefix(base, "ws://"))
	o := fast()
	o.IdleTimeout = 200 * time.Millisecond
	o.ConnectTimeout = 300 * time.Millisecond
	o.WebSocket = &wsapi.Options{CloseTimeout: 100 * time.Millisecond}
	s, err := reconnect.New("ws://"+p.Addr()+"/hello?key="+key(t), o)
	if err != nil {
		t.Fatal(err)
	}
	r := record(t, s)
	r.expect("open 1", "message open 1")
	p.Freeze()
	r.expect("close 1006 CONNECTING", "retry 1")
	if ce, _ := s.CloseEvent(); !strings.Contains(ce.Reason, "nothing received") {
		t.Errorf("close %+v", ce)
	}
	// The proxy forwards nothing now: the handshake times out.
	r.expect("error", "close 1006 CONNECTING", "retry 2")
	s.Close()
	waitDone(t, s)
}
