// Package browser finds the Chromium that chromerun drives, and says how
// to start it with chromedp. The e2e tests of github.com/go-wsapi/wsapi
// start it through this package too, so that every one of them starts it
// the same way.
package browser

import (
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Find returns the path of the browser: $CHROMIUM, so that a test machine
// can pin a build, else the first of the usual names on PATH. The error
// wraps exec.ErrNotFound when there is none.
func Find() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			// Not there is not there, whichever way LookPath says it.
			return "", fmt.Errorf("CHROMIUM=%s: %w (%v)", p, exec.ErrNotFound, err)
		}
		return path, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium (set CHROMIUM or put chromium on PATH): %w", exec.ErrNotFound)
}

// Options are the allocator options for a headless browser at execPath,
// then extra. On a closed network Chromium would otherwise keep trying to
// reach Google (updates, sync, QUIC); as root it needs --no-sandbox. There
// is no UserDataDir: the allocator then makes a fresh one in the temp dir,
// and on exit kills what Chromium left running in it and removes it.
func Options(execPath string, extra ...chromedp.ExecAllocatorOption) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], // headless, no first run, no background networking, no sync
		chromedp.ExecPath(execPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-quic", true),
	)
	return append(opts, extra...)
}
