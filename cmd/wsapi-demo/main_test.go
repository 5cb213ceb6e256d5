//go:build !js

package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/server"
)

// env is a fake environment for parseConfig.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func TestParseConfigDefaults(t *testing.T) {
	c, err := parseConfig(nil, env{}.get, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := &config{
		addr:            "127.0.0.1:8080",
		shutdownTimeout: 5 * time.Second,
		headerTimeout:   10 * time.Second,
		maxHeaderBytes:  16 << 10,
		server: server.Options{
			WebDir:       "web",
			WasmPath:     "bin/main.wasm",
			ReadLimit:    64 << 10,
			SendQueue:    64,
			PingInterval: 20 * time.Second,
			TickInterval: 500 * time.Millisecond,
			HistorySize:  1000,
			HistoryAge:   2 * time.Minute,
			RateLimit:    100,
			PublishQueue: 2048,
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
}

func TestParseConfigEnvAndFlags(t *testing.T) {
	e := env{
		"WSAPI_ADDR":             ":9000",
		"WSAPI_WEB":              "/srv/web",
		"WSAPI_WASM":             "/srv/main.wasm",
		"WSAPI_WASM_EXEC":        "/srv/wasm_exec.js",
		"WSAPI_ORIGINS":          "a.example.com, *.b.example.com,,https://c.example.com",
		"WSAPI_READ_LIMIT":       "1000",
		"WSAPI_SEND_QUEUE":       "8",
		"WSAPI_PING_INTERVAL":    "1m",
		"WSAPI_PING_TIMEOUT":     "10s",
		"WSAPI_TICK_INTERVAL":    "1s",
		"WSAPI_TLS_CERT":         "cert.pem",
		"WSAPI_TLS_KEY":          "key.pem",
		"WSAPI_SHUTDOWN_TIMEOUT": "30s",
		"WSAPI_RATE_LIMIT":       "2.5",
		"WSAPI_RATE_BURST":       "7",
		"WSAPI_HEADER_TIMEOUT":   "3s",
		"WSAPI_MAX_HEADER_BYTES": "4096",
		"WSAPI_HISTORY":          "50",
		"WSAPI_HISTORY_AGE":      "30s",
		"WSAPI_PUBLISH_QUEUE":    "100",
		"ADDR":                   "ignored",
	}
	c, err := parseConfig(nil, e.get, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := &config{
		addr:            ":9000",
		tlsCert:         "cert.pem",
		tlsKey:          "key.pem",
		shutdownTimeout: 30 * time.Second,
		headerTimeout:   3 * time.Second,
		maxHeaderBytes:  4096,
		server: server.Options{
			WebDir:         "/srv/web",
			WasmPath:       "/srv/main.wasm",
			WasmExecPath:   "/srv/wasm_exec.js",
			AllowedOrigins: []string{"a.example.com", "*.b.example.com", "https://c.example.com"},
			ReadLimit:      1000,
			SendQueue:      8,
			PingInterval:   time.Minute,
			PingTimeout:    10 * time.Second,
			TickInterval:   time.Second,
			HistorySize:    50,
			HistoryAge:     30 * time.Second,
			RateLimit:      2.5,
			RateBurst:      7,
			PublishQueue:   100,
		},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("from the environment:\ngot  %+v\nwant %+v", c, want)
	}

	// A flag wins over its variable.
	c, err = parseConfig([]string{"-addr", "127.0.0.1:0", "-send-queue=2", "-origins", "", "-ping-interval", "5s"}, e.get, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want.addr, want.server.SendQueue, want.server.AllowedOrigins, want.server.PingInterval = "127.0.0.1:0", 2, nil, 5*time.Second
	if !reflect.DeepEqual(c, want) {
		t.Errorf("with flags:\ngot  %+v\nwant %+v", c, want)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  env
		want string
	}{
		{[]string{"-read-limit", "big"}, nil, "invalid value"},
		{nil, env{"WSAPI_READ_LIMIT": "big"}, "WSAPI_READ_LIMIT"},
		{nil, env{"WSAPI_PING_INTERVAL": "20"}, "WSAPI_PING_INTERVAL"},
		{[]string{"-nope"}, nil, "not defined"},
		{[]string{"extra"}, nil, "unexpected arguments"},
		{[]string{"-tls-cert", "c.pem"}, nil, "go together"},
		{nil, env{"WSAPI_TLS_KEY": "k.pem"}, "go together"},
		{[]string{"-shutdown-timeout", "0s"}, nil, "must be positive"},
		{[]string{"-header-timeout", "0s"}, nil, "must be positive"},
		{[]string{"-max-header-bytes", "0"}, nil, "must be positive"},
		{[]string{"-rate-limit", "fast"}, nil, "invalid value"},
		// 0 would be taken for the default.
		{[]string{"-read-limit", "0"}, nil, "-read-limit must not be 0"},
		{[]string{"-send-queue", "0"}, nil, "-send-queue must not be 0"},
		{[]string{"-ping-interval", "0s"}, nil, "-ping-interval must not be 0"},
		{[]string{"-tick-interval", "0s"}, nil, "-tick-interval must not be 0"},
		{[]string{"-history", "0"}, nil, "-history must not be 0 (the server would take 0 for its default, 1000)"},
		{nil, env{"WSAPI_HISTORY_AGE": "0s"}, "-history-age must not be 0"},
		{[]string{"-publish-queue", "0"}, nil, "-publish-queue must not be 0"},
		{[]string{"-rate-limit", "0"}, nil, "-rate-limit must not be 0"},
	} {
		_, err := parseConfig(tc.args, tc.env.get, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %v: error %v, want %q", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestUsage(t *testing.T) {
	var out bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, env{}.get, &out); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	for _, name := range []string{
		"addr", "web", "wasm", "wasm-exec", "origins", "read-limit", "send-queue",
		"ping-interval", "ping-timeout", "tick-interval", "tls-cert", "tls-key", "shutdown-timeout",
		"rate-limit", "rate-burst", "header-timeout", "max-header-bytes", "publish-queue",
	} {
		re := regexp.MustCompile(`(?m)^  -` + name + ` \S+  \$WSAPI_` + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + `\n`)
		if !re.MatchString(out.String()) {
			t.Errorf("-%s is not listed with its variable", name)
		}
	}
	if !strings.Contains(out.String(), "(default 127.0.0.1:8080)") {
		t.Error("the default address is not shown")
	}
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"-h"}, env{}.get, io.Discard, &stderr); code != 0 || stderr.Len() == 0 {
		t.Errorf("run -h: status %d, %d bytes of usage", code, stderr.Len())
	}
	if code := run(t.Context(), []string{"-nope"}, env{}.get, io.Discard, &stderr); code != 2 {
		t.Errorf("run -nope: status %d", code)
	}
}

func TestDisplayAddr(t *testing.T) {
	bound := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4242}
	for addr, want := range map[string]string{
		"127.0.0.1:0":    "127.0.0.1:4242",
		"localhost:4242": "localhost:4242",
		":4242":          "localhost:4242",
		"0.0.0.0:0":      "localhost:4242",
		"[::]:0":         "localhost:4242",
		"[::1]:0":        "[::1]:4242",
	} {
		if got := displayAddr(addr, bound); got != want {
			t.Errorf("displayAddr(%q) = %q, want %q", addr, got, want)
		}
	}
}

// checkGoroutines fails the test if it leaves goroutines behind.
func checkGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				t.Errorf("goroutines left:\n%s", buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// syncBuffer is a bytes.Buffer for one writer and one poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// waitFor polls r until re matches its output, and returns the match.
func waitFor(t *testing.T, r fmt.Stringer, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := re.FindStringSubmatch(r.String()); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in %q", re, r.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// demoFiles makes the files the server needs and returns their flags.
func demoFiles(t *testing.T) []string {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"web/index.html": "<title>demo</title>",
		"main.wasm":      "\x00asm\x01\x00\x00\x00",
		"wasm_exec.js":   "//",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{"-addr", "127.0.0.1:0", "-web", filepath.Join(dir, "web"),
		"-wasm", filepath.Join(dir, "main.wasm"), "-wasm-exec", filepath.Join(dir, "wasm_exec.js")}
}

var servingRE = regexp.MustCompile(`^serving (https?)://127\.0\.0\.1:(\d+)/\n$`)

// startRun runs the command until the returned cancel is called, which
// stands for SIGINT, and returns the base URL it printed.
func startRun(t *testing.T, args []string) (url string, logs fmt.Stringer, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, env{}.get, &stdout, &stderr) }()
	m := waitFor(t, &stdout, regexp.MustCompile(`serving (\S+)\n`))
	if !servingRE.MatchString(stdout.String()) {
		t.Errorf("stdout %q", stdout.String())
	}
	stopped := false
	stop = func() (int, string) {
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code, stderr.String()
		case <-time.After(20 * time.Second):
			t.Fatalf("run did not return; log:\n%s", stderr.String())
			return 0, ""
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return m[1], &stderr, stop
}

// readClose reads c until the close frame, in a goroutine, and sends it.
func readClose(ctx context.Context, c *websocket.Conn) <-chan error {
	ch := make(chan error, 1)
	go func() {
		for {
			if _, _, err := c.Read(ctx); err != nil {
				ch <- err
				return
			}
		}
	}()
	return ch
}

func wantGoingAway(t *testing.T, err error) {
	t.Helper()
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway || ce.Reason != "server shutting down" {
		t.Errorf("client closed with %v, want 1001 server shutting down", err)
	}
}

// TestRun starts the command, uses it, and stops it as SIGINT would.
func TestRun(t *testing.T) {
	checkGoroutines(t)
	url, logs, stop := startRun(t, demoFiles(t))
	ctx := t.Context()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get(url + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || resp.Proto != "HTTP/1.1" {
		t.Errorf("healthz: %s %q", resp.Proto, body)
	}

	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"ws/chat?nick=tester", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	closed := readClose(ctx, c)
	waitFor(t, logs, regexp.MustCompile(`ws open`))

	code, log := stop()
	if code != 0 {
		t.Errorf("exit status %d; log:\n%s", code, log)
	}
	wantGoingAway(t, <-closed)
	for _, want := range []string{
		`msg="ws open" endpoint=/ws/chat remote=127.0.0.1:`,
		`msg="ws close" endpoint=/ws/chat remote=127.0.0.1:`,
		`nick=tester code=1001 reason="server shutting down" by=server duration=`,
		`msg="shutting down" timeout=5s`,
		`msg=stopped`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("no %q in the log:\n%s", want, log)
		}
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key,
// and returns their files and a pool that trusts it.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	cert, pool := wstest.SelfSigned(t, "wsapi-demo test", true)
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

func TestRunTLS(t *testing.T) {
	checkGoroutines(t)
	certFile, keyFile, pool := writeCert(t)
	url, _, stop := startRun(t, append(demoFiles(t), "-tls-cert", certFile, "-tls-key", keyFile))
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("URL %s", url)
	}
	ctx := t.Context()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "<title>demo</title>" || resp.Proto != "HTTP/1.1" {
		t.Errorf("page: %s %q", resp.Proto, body)
	}

	c, _, err := websocket.Dial(ctx, "wss"+strings.TrimPrefix(url, "https")+"ws/echo", &websocket.DialOptions{
		HTTPClient: client,
		HTTPHeader: http.Header{"Origin": {strings.TrimSuffix(url, "/")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageBinary, []byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if _, data, err := c.Read(ctx); err != nil || !bytes.Equal(data, []byte{1, 2, 3}) {
		t.Errorf("echo %v, %v", data, err)
	}
	closed := readClose(ctx, c)
	if code, log := stop(); code != 0 {
		t.Errorf("exit status %d; log:\n%s", code, log)
	}
	wantGoingAway(t, <-closed)
}

func TestRunBadConfig(t *testing.T) {
	checkGoroutines(t)
	var stderr bytes.Buffer
	args := append(demoFiles(t), "-wasm", filepath.Join(t.TempDir(), "missing.wasm"))
	if code := run(t.Context(), args, env{}.get, io.Discard, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "build it first") {
		t.Errorf("missing wasm: status %d, %q", code, stderr.String())
	}
	stderr.Reset()
	args = append(demoFiles(t), "-tls-cert", "missing.pem", "-tls-key", "missing.pem")
	if code := run(t.Context(), args, env{}.get, io.Discard, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "TLS certificate") {
		t.Errorf("missing certificate: status %d, %q", code, stderr.String())
	}
}

// rawClient does the WebSocket handshake and then never reads or writes
// again: it will not answer the close frame.
func rawClient(t *testing.T, url string) net.Conn {
	host := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /ws/echo HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", host)
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	buf := make([]byte, 12)
	if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "HTTP/1.1 101" {
		t.Fatalf("handshake: %q %v", buf, err)
	}
	return conn
}

// TestRunShutdownTimeout: a client that never answers the close frame is
// cut when -shutdown-timeout has passed, and the exit status says so.
func TestRunShutdownTimeout(t *testing.T) {
	checkGoroutines(t)
	url, logs, stop := startRun(t, append(demoFiles(t), "-shutdown-timeout", "100ms"))
	conn := rawClient(t, url)
	waitFor(t, logs, regexp.MustCompile(`ws open`))
	code, log := stop()
	if code != 1 || !strings.Contains(log, "failed to shut down in time") {
		t.Errorf("exit status %d; log:\n%s", code, log)
	}
	// The client got the close frame, then the end.
	rest, err := io.ReadAll(conn)
	_, frames, _ := bytes.Cut(rest, []byte("\r\n\r\n"))
	if err != nil || !bytes.HasPrefix(frames, []byte{0x88}) {
		t.Errorf("after the handshake: %q, %v", rest, err)
	}
}

// TestSignals runs the built command and stops it with real signals.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "wsapi-demo")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) {
			ctx := t.Context()
			cmd := exec.Command(bin, demoFiles(t)...)
			var stdout, stderr syncBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-exited
			})
			url := "http://127.0.0.1:" + waitFor(t, &stdout, servingRE)[2] + "/"

			c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"ws/ticks", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			closed := readClose(ctx, c)
			waitFor(t, &stderr, regexp.MustCompile(`ws open`))

			cmd.Process.Signal(sig)
			select {
			case err := <-exited:
				exited <- err // for the cleanup
				if err != nil {
					t.Errorf("exit: %v; log:\n%s", err, stderr.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("still running; log:\n%s", stderr.String())
			}
			wantGoingAway(t, <-closed)
		})
	}
}
