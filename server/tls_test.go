//go:build !js

package server_test

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

func TestTLS(t *testing.T) {
	checkGoroutines(t)
	ts := newServer(t, nil)
	cert, pool := wstest.SelfSigned(t, "wsapi test", true)
	ts.http.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	ts.http.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	ts.http.StartTLS()
	ctx := testContext(t)

	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}
	if !strings.HasPrefix(ts.http.URL, "https://127.0.0.1:") {
		t.Fatalf("URL %s", ts.http.URL)
	}

	// The page, over https...
	resp, err := client.Get(ts.http.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Errorf("healthz: %q", body)
	}

	// ... and its sockets over wss, from the page's origin.
	wss := "wss" + strings.TrimPrefix(ts.http.URL, "https")
	c, _, err := websocket.Dial(ctx, wss+"/ws/echo", &websocket.DialOptions{
		HTTPClient: client,
		HTTPHeader: http.Header{"Origin": {ts.http.URL}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if _, data, err := c.Read(ctx); err != nil || string(data) != "secret" {
		t.Errorf("echo %q, %v", data, err)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// A client that does not trust the certificate gets nowhere.
	if _, _, err := websocket.Dial(ctx, wss+"/ws/echo", nil); err == nil {
		t.Error("dial without trusting the certificate: no error")
	}
}
