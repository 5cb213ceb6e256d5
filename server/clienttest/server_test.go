//go:build !js

package clienttest_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/clienttest"
	"github.com/go-wsapi/wsapi/server"
	"github.com/go-wsapi/wsapi/wasm/client"
)

// startServer starts the real server on 127.0.0.1, with quotes every 10ms,
// and returns its ws:// URL. The page's files are stand-ins: these tests
// only use the sockets.
func startServer(t *testing.T) string {
	base, _, _ := startServerNATS(t, "")
	return base
}

func startServerWith(t *testing.T) (string, *server.Server) {
	base, s, _ := startServerNATS(t, "")
	return base, s
}

// startServerNATS is startServer as a server of the cluster of natsURL
// (alone if ""), and returns its httptest.Server too, for a test to kill.
func startServerNATS(t *testing.T, natsURL string) (string, *server.Server, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []string{"main.wasm", "wasm_exec.js"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err := server.New(&server.Options{
		WebDir:       dir,
		WasmPath:     filepath.Join(dir, "main.wasm"),
		WasmExecPath: filepath.Join(dir, "wasm_exec.js"),
		TickInterval: 10 * time.Millisecond,
		Logger:       slog.New(slog.DiscardHandler),
		NATS:         natsURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Error(err)
		}
		srv.Close()
	})
	base, err := client.BaseURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return base, s, srv
}

// TestShutdown: the server's shutdown closes every client with 1001, which
// is not the user's close: the page shows its banner.
func TestShutdown(t *testing.T) {
	base, s := startServerWith(t)
	ctx := clienttest.Context(t)
	var recs []*clienttest.Recorder
	var socks []clienttest.Closer
	for _, name := range []string{"echo", "chat", "ticks"} {
		rec := &clienttest.Recorder{Name: name}
		recs = append(recs, rec)
		var c clienttest.Closer
		var err error
		switch name {
		case "echo":
			c, err = client.DialEcho(base, &client.EchoOptions{Hooks: rec.Hooks(), Reconnect: clienttest.Once})
		case "chat":
			c, err = client.DialChat(base, &client.ChatOptions{Hooks: rec.Hooks(), Nick: "alice", Reconnect: clienttest.Once})
		case "ticks":
			c, err = client.DialTicks(base, &client.TicksOptions{Hooks: rec.Hooks(), Reconnect: clienttest.Once})
		}
		if err != nil {
			t.Fatal(err)
		}
		clienttest.CloseAtEnd(t, c)
		if err := c.Socket().WaitOpen(ctx); err != nil {
			t.Fatal(err)
		}
		socks = append(socks, c)
	}
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range socks {
		<-c.Socket().Done()
		lines := recs[i].Lines()
		want := recs[i].Name + " close 1001 server shutting down wasClean=true local=false"
		if len(lines) == 0 || lines[len(lines)-1] != want {
			t.Errorf("%s: log ends %q, want %q", recs[i].Name, lines, want)
		}
	}
}
