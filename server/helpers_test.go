//go:build !js

package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/server"
)

// testTimeout bounds each test: none waits on a clock otherwise, so a hang
// is a bug, reported in seconds rather than at go test's 10 minutes.
const testTimeout = 20 * time.Second

// checkGoroutines fails the test if it leaves goroutines behind. Call it
// first, so that its cleanup runs last, after the servers have stopped.
// Tests that use it must not run in parallel.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf("%d goroutines before the test, %d after:\n%s", before, runtime.NumGoroutine(), buf)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// testContext is the test's context, bounded by testTimeout.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

// logBuffer collects the server's JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// lines returns the log lines so far, decoded.
func (b *logBuffer) lines() []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(b.buf.String()) {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// wait returns the first log line for which match is true, waiting for it
// to be written.
func (b *logBuffer) wait(t *testing.T, match func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, l := range b.lines() {
			if match(l) {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no such log line in:\n%s", b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testFiles makes a web directory, a main.wasm and a wasm_exec.js, and
// points opts at them.
func testFiles(t *testing.T, opts *server.Options) {
	t.Helper()
	dir := t.TempDir()
	web := filepath.Join(dir, "web")
	files := map[string]string{
		"web/index.html":     "<!doctype html><title>demo</title>",
		"web/style.css":      "body { margin: 0 }",
		"web/sub/secret.txt": "not listed",
		"main.wasm":          "\x00asm\x01\x00\x00\x00" + strings.Repeat("compressible ", 10000),
		"wasm_exec.js":       "// wasm_exec.js\n",
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts.WebDir = web
	opts.WasmPath = filepath.Join(dir, "main.wasm")
	opts.WasmExecPath = filepath.Join(dir, "wasm_exec.js")
}

// testServer is a Server behind an httptest.Server on 127.0.0.1.
type testServer struct {
	*server.Server
	http *httptest.Server
	ws   string // ws://127.0.0.1:port
	logs *logBuffer
	opts server.Options // as given to New
}

// startServer starts a server with opts (nil for the defaults), test files
// and a log of its own. It shuts down when the test ends.
func startServer(t *testing.T, opts *server.Options) *testServer {
	t.Helper()
	ts := newServer(t, opts)
	ts.http.Start()
	ts.ws = "ws" + strings.TrimPrefix(ts.http.URL, "http")
	return ts
}

// newServer is startServer without the start, for TLS.
func newServer(t *testing.T, opts *server.Options) *testServer {
	t.Helper()
	var o server.Options
	if opts != nil {
		o = *opts
	}
	testFiles(t, &o)
	logs := &logBuffer{}
	o.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	s, err := server.New(&o)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{Server: s, http: httptest.NewUnstartedServer(s), logs: logs, opts: o}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		ts.http.Close()
	})
	return ts
}

// dial opens a WebSocket to path on ts, closed when the test ends.
func dial(t *testing.T, ctx context.Context, ts *testServer, path string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	c, resp, err := websocket.Dial(ctx, ts.ws+path, opts)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (HTTP %d)", path, err, status)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// dialStatus dials path and returns the HTTP status of a refused upgrade,
// or 101.
func dialStatus(t *testing.T, ctx context.Context, ts *testServer, path string, opts *websocket.DialOptions) int {
	t.Helper()
	c, resp, err := websocket.Dial(ctx, ts.ws+path, opts)
	if err == nil {
		c.CloseNow()
		return http.StatusSwitchingProtocols
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", path, err)
	}
	return resp.StatusCode
}

// readUntilClose reads and drops messages until the connection ends, and
// returns the close frame the server sent.
func readUntilClose(t *testing.T, ctx context.Context, c *websocket.Conn) websocket.CloseError {
	t.Helper()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("connection ended without a close frame: %v", err)
		}
		return ce
	}
}

// wantClose checks a close frame.
func wantClose(t *testing.T, got websocket.CloseError, code websocket.StatusCode, reason string) {
	t.Helper()
	if got.Code != code || got.Reason != reason {
		t.Errorf("close %d %q, want %d %q", got.Code, got.Reason, code, reason)
	}
}

// isClose matches the log line of a closed connection on endpoint.
func isClose(endpoint string, code int) func(map[string]any) bool {
	return func(l map[string]any) bool {
		return l["msg"] == "ws close" && l["endpoint"] == endpoint && l["code"] == float64(code)
	}
}
