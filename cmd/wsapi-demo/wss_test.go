//go:build !js

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestRunWSSWithPrivateCA: the command serves wss with -tls-cert and
// -tls-key, and the native wsapi client reaches it by trusting the
// certificate through Options.TLSConfig, as with a private CA. Without
// that, the handshake fails: error, then close 1006.
func TestRunWSSWithPrivateCA(t *testing.T) {
	checkGoroutines(t)
	certFile, keyFile, pool := writeCert(t)
	url, _, stop := startRun(t, append(demoFiles(t), "-tls-cert", certFile, "-tls-key", keyFile))
	wss := "wss" + strings.TrimPrefix(url, "https") + "ws/echo"
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()

	ws, err := wsapi.NewWithOptions(wss, &wsapi.Options{TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	ws.OnMessage(func(m wsapi.MessageEvent) { got <- m.Text() })
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatalf("open: %v", err)
	}
	ws.SendText("over tls")
	select {
	case m := <-got:
		if m != "over tls" {
			t.Errorf("echo %q", m)
		}
	case <-ctx.Done():
		t.Fatal("no echo")
	}

	// The server stops: the client gets its 1001 over TLS too.
	if code, log := stop(); code != 0 {
		t.Errorf("exit status %d; log:\n%s", code, log)
	}
	<-ws.Done()
	if e, _ := ws.CloseEvent(); e.Code != 1001 || e.Reason != "server shutting down" || !e.WasClean {
		t.Errorf("close %+v, want a clean 1001", e)
	}
}

func TestRunWSSUntrusted(t *testing.T) {
	checkGoroutines(t)
	certFile, keyFile, _ := writeCert(t)
	url, _, _ := startRun(t, append(demoFiles(t), "-tls-cert", certFile, "-tls-key", keyFile))
	ws, err := wsapi.New("wss" + strings.TrimPrefix(url, "https") + "ws/echo")
	if err != nil {
		t.Fatal(err)
	}
	var failure error
	ws.OnError(func(err error) { failure = err })
	<-ws.Done()
	e, _ := ws.CloseEvent()
	var unknown x509.UnknownAuthorityError
	if e.Code != 1006 || e.WasClean || !errors.Is(failure, wsapi.ErrConnection) || !errors.As(failure, &unknown) {
		t.Errorf("close %+v, error %v; want 1006 after an error of an unknown authority", e, failure)
	}
}
