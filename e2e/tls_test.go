package e2e

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/go-wsapi/wsapi/cmd/chromerun/browser"

	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/server"
)

// testCert makes a self-signed certificate for 127.0.0.1 and returns it
// with the base64 SHA-256 of its public key (SPKI), which is how Chromium
// is told to trust this one certificate and no other.
func testCert(t *testing.T) (tls.Certificate, string) {
	t.Helper()
	cert, _ := wstest.SelfSigned(t, "wsapi e2e", false)
	spki := sha256.Sum256(cert.Leaf.RawSubjectPublicKeyInfo)
	return cert, base64.StdEncoding.EncodeToString(spki[:])
}

// TestPageOverTLS serves the page over https and its sockets over wss,
// with a certificate made here, to a Chromium of its own that trusts
// exactly that certificate (--ignore-certificate-errors-spki-list): the
// page loads, the three sockets open, and the echo comes back.
func TestPageOverTLS(t *testing.T) {
	needBrowser(t)
	cert, spki := testCert(t)
	wasm, err := wasmPath()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(&server.Options{
		WebDir: "../web", WasmPath: wasm,
		Logger: slog.New(slog.NewTextHandler(&testWriter{t: t}, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hs.Config.ErrorLog = log.New(io.Discard, "", 0)
	hs.StartTLS()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		hs.Close()
	})

	execPath, err := browser.Find()
	if err != nil {
		t.Skip(err)
	}
	opts := browser.Options(execPath, chromedp.Flag("ignore-certificate-errors-spki-list", spki))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	d := testTimeout(t)
	start := time.AfterFunc(d, cancelBrowser)
	err = chromedp.Do(bctx)
	if !start.Stop() && err == nil {
		err = errors.New("timed out")
	}
	if err != nil {
		t.Fatalf("failed to start the browser: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, d)
	defer cancel()
	tb := &tab{t: t, name: "tls", ctx: ctx, tabCtx: bctx}

	tb.open(hs.URL)
	if got := eval[string](tb, `location.protocol`); got != "https:" {
		tb.fatalf("the page is on %s", got)
	}
	tb.connect("alice")
	for _, s := range sockets {
		tb.waitItem("log", s+" open")
	}
	// From an https page Chrome allows wss only (ws would be mixed
	// content), so the three sockets that opened are wss.
	tb.typeInto("echo-input", "over wss")
	tb.click("echo-send-text")
	tb.waitItem("echo-output", "text: over wss")
}
