//go:build !js

package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/go-wsapi/wsapi/server"
)

// get makes a request with the given headers; it sets Accept-Encoding
// itself, so the transport does not ask for gzip and decode it.
func get(t *testing.T, ts *testServer, method, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), method, ts.http.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ts.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestWasm(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	want, err := os.ReadFile(ts.opts.WasmPath)
	if err != nil {
		t.Fatal(err)
	}

	resp, body := get(t, ts, "GET", "/main.wasm")
	plainTag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/wasm" ||
		resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, want) {
		t.Errorf("plain: %s %v, %d bytes", resp.Status, resp.Header, len(body))
	}

	resp, body = get(t, ts, "GET", "/main.wasm", "Accept-Encoding", "br, gzip;q=0.8")
	gzipTag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/wasm" ||
		resp.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(want) {
		t.Errorf("gzip: %s %v, %d bytes", resp.Status, resp.Header, len(body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
		t.Errorf("gunzipped: %d bytes, %v", len(got), err)
	}

	for _, h := range []http.Header{resp.Header} {
		if h.Get("Cache-Control") != "no-cache" || h.Get("Vary") != "Accept-Encoding" {
			t.Errorf("cache headers %v", h)
		}
	}
	if plainTag == "" || gzipTag == "" || plainTag == gzipTag || plainTag[0] != '"' {
		t.Errorf("ETags %s and %s", plainTag, gzipTag)
	}

	for _, tc := range []struct {
		inm, ae string
		status  int
	}{
		{plainTag, "identity", 304},
		{gzipTag, "gzip", 304},
		{plainTag, "gzip", 304},
		{"W/" + gzipTag, "gzip", 304},
		{`"other", ` + gzipTag, "gzip", 304},
		{"*", "gzip", 304},
		{`"other"`, "gzip", 200},
	} {
		resp, body := get(t, ts, "GET", "/main.wasm", "If-None-Match", tc.inm, "Accept-Encoding", tc.ae)
		if resp.StatusCode != tc.status {
			t.Errorf("If-None-Match %s: %s", tc.inm, resp.Status)
		}
		if tc.status == 304 && (len(body) != 0 || resp.Header.Get("ETag") == "") {
			t.Errorf("304 with %d bytes, ETag %q", len(body), resp.Header.Get("ETag"))
		}
	}

	for ae, gz := range map[string]bool{
		"gzip": true, "GZIP": true, "deflate, gzip": true, "*": true, "gzip;q=0.001": true,
		"identity": false, "gzip;q=0": false, "*;q=0": false, "*, gzip;q=0": false, "br": false,
	} {
		resp, _ := get(t, ts, "HEAD", "/main.wasm", "Accept-Encoding", ae)
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != gz {
			t.Errorf("Accept-Encoding %q: gzip %v, want %v", ae, got, gz)
		}
	}

	resp, body = get(t, ts, "GET", "/wasm_exec.js")
	if resp.StatusCode != 200 || string(body) != "// wasm_exec.js\n" ||
		resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Errorf("wasm_exec.js: %s %v %q", resp.Status, resp.Header, body)
	}
}

func TestStatic(t *testing.T) {
	checkGoroutines(t)
	ts := startServer(t, nil)
	for path, want := range map[string]string{
		"/":          "<!doctype html><title>demo</title>",
		"/style.css": "body { margin: 0 }",
		"/healthz":   "ok",
	} {
		resp, body := get(t, ts, "GET", path)
		if resp.StatusCode != 200 || string(body) != want {
			t.Errorf("%s: %s %q", path, resp.Status, body)
		}
	}
	for _, path := range []string{"/sub/", "/missing.js", "/ws/"} {
		if resp, _ := get(t, ts, "GET", path); resp.StatusCode != 404 {
			t.Errorf("%s: %s, want 404", path, resp.Status)
		}
	}
	// A plain GET on an endpoint is not an upgrade.
	if resp, _ := get(t, ts, "GET", "/ws/echo"); resp.StatusCode != http.StatusUpgradeRequired {
		t.Errorf("/ws/echo without upgrade: %s", resp.Status)
	}
}

// TestWasmExecDefault finds wasm_exec.js in GOROOT, as the command does.
func TestWasmExecDefault(t *testing.T) {
	var o server.Options
	testFiles(t, &o)
	o.WasmExecPath = ""
	if _, err := server.New(&o); err != nil {
		t.Errorf("New with the default wasm_exec.js: %v", err)
	}
}
