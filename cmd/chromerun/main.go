// Command chromerun runs a GOOS=js Go program, or any page, in headless
// Chromium, copies the page's console to stdout and stderr, and exits with
// the code that the page reports. It uses the generic API of chromedp v0.22.
//
// Install it with
//
//	go install github.com/go-wsapi/wsapi/cmd/chromerun@latest
//
// As a go test runner, it serves the test binary, wasm_exec.js and a page
// that starts the program, on 127.0.0.1:
//
//	GOOS=js GOARCH=wasm go test -exec=chromerun ./...
//
// The program gets os.Args [base name of the binary, args...], so go
// test's flags (-test.run, -test.v, ...) reach the test binary, and the
// whole environment, unfiltered, as under Node, plus CHROMERUN_ORIGIN: the
// Origin of the page, http://127.0.0.1:port. wasm_exec.js gives argv and
// the environment 8 KiB in all; chromerun says which variables are the
// largest when they do not fit. Package wsapitest
// (github.com/go-wsapi/wsapi/wsapitest) runs a package's tests through
// chromerun and Node from one native go test.
//
// # Origin and ports
//
// The page's WebSockets and fetches carry its Origin, which natively and
// in Node they do not. A server that checks the Origin (coder/websocket's
// Accept does unless told otherwise) answers the browser 403: let it accept
// the pattern "127.0.0.1:*" in tests, or tell it $CHROMERUN_ORIGIN. Chrome
// also refuses, with no request sent, to connect to ports it deems unsafe
// (6000, 6665-6669, 10080 and others): give test servers port 0.
//
// With -url it opens a page that someone else serves:
//
//	chromerun -url http://127.0.0.1:8080/page.html
//
// # Page protocol
//
//   - Each console.log, console.info or console.debug call prints its text
//     and a newline on stdout; console.error, console.warn and
//     console.assert print on stderr.
//   - window.chromerunExit(code) ends the run; chromerun exits with code
//     (0 if absent, 1 if not an integer). Later calls and output are lost.
//   - An uncaught exception or unhandled rejection is printed on stderr and
//     ends the run with 1.
//
// With $CHROMERUN_CSP set, the page that starts the program is served with
// that Content-Security-Policy, to run a program as a page with a strict
// policy would (one without 'unsafe-eval', say).
//
// chromerun -find prints the path of the browser it would drive, or exits
// 127 when there is none: a test can skip its browser run then.
//
// A run that lasts longer than -timeout (default $CHROMERUN_TIMEOUT, else
// 10m, or a test binary's -test.timeout and 30s when that is longer; 0 is
// none) exits 1. Without a browser ($CHROMIUM, else chromium or
// google-chrome on PATH), chromerun exits 127.
package main

import (
	"cmp"
	"context"
	"crypto/rand"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/inspector"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/go-wsapi/wsapi/cmd/chromerun/browser"
)

//go:embed index.html
var indexHTML string

var indexTmpl = template.Must(template.New("index").Parse(indexHTML))

func main() {
	os.Exit(run())
}

func run() int {
	defTimeout := 10 * time.Minute
	envTimeout := os.Getenv("CHROMERUN_TIMEOUT")
	if envTimeout != "" {
		d, err := time.ParseDuration(envTimeout)
		if err != nil {
			fmt.Fprintf(os.Stderr, "chromerun: bad CHROMERUN_TIMEOUT: %v\n", err)
			return 2
		}
		defTimeout = d
	}
	timeout := flag.Duration("timeout", defTimeout, "end the run with exit code 1 after this `duration` (0: never); default $CHROMERUN_TIMEOUT, else 10m or the test binary's -test.timeout and 30s")
	pageURL := flag.String("url", "", "open this page instead of running a wasm program")
	find := flag.Bool("find", false, "print the browser's path and exit, 127 if there is none")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: chromerun [-timeout d] prog [args...]   (prog: a GOOS=js binary)\n       chromerun [-timeout d] -url URL\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	timeoutSet := envTimeout != ""
	flag.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if !timeoutSet && flag.NArg() > 0 {
		*timeout = defaultTimeout(flag.Args()[1:])
	}
	if *find {
		p, err := browser.Find()
		if err != nil {
			fmt.Fprintln(os.Stderr, "chromerun:", err)
			return 127
		}
		fmt.Println(p)
		return 0
	}
	if (*pageURL == "") == (flag.NArg() == 0) {
		flag.Usage()
		return 2
	}
	execPath, err := browser.Find()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chromerun:", err)
		return 127
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, *timeout, fmt.Errorf("timed out after %v", *timeout))
		defer cancel()
	}

	url := *pageURL
	if url == "" {
		url, err = serveProgram(flag.Arg(0), flag.Args()[1:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "chromerun:", err)
			return 1
		}
	}
	code, err := runPage(ctx, execPath, url)
	if err != nil {
		if ctx.Err() != nil {
			err = context.Cause(ctx) // the timeout or the signal
		}
		fmt.Fprintln(os.Stderr, "chromerun:", err)
		return 1
	}
	return code
}

// defaultTimeout returns the timeout of a run of a program with args,
// when neither -timeout nor $CHROMERUN_TIMEOUT sets it: 10m, or a test
// binary's -test.timeout and 30s when that is longer, so that the binary's
// own panic, which names the test that hung, is what ends the run; none
// (0) when -test.timeout is 0, which means none.
func defaultTimeout(args []string) time.Duration {
	const def = 10 * time.Minute
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "-test.timeout=")
		if !ok && a == "-test.timeout" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if !ok {
			continue
		}
		d, err := time.ParseDuration(v)
		switch {
		case err != nil:
			return def
		case d == 0:
			return 0
		}
		return max(def, d+30*time.Second)
	}
	return def
}

// serveProgram serves the page, wasm_exec.js and the program until the
// process exits, and returns the page's URL.
func serveProgram(prog string, args []string) (string, error) {
	if _, err := os.Stat(prog); err != nil {
		return "", err
	}
	wasmExec := filepath.Join(goroot(), "lib", "wasm", "wasm_exec.js")
	if _, err := os.Stat(wasmExec); err != nil {
		return "", fmt.Errorf("failed to find wasm_exec.js: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	origin := "http://" + ln.Addr().String()
	// The whole environment, as Node's wasm_exec_node.js passes it, and
	// the page's Origin, for servers that check it.
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	env["CHROMERUN_ORIGIN"] = origin
	argv := append([]string{filepath.Base(prog)}, args...)
	if err := checkArgSize(argv, env); err != nil {
		ln.Close()
		return "", err
	}
	cfg := map[string]any{"argv": argv, "env": env}
	csp := os.Getenv("CHROMERUN_CSP")

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if csp != "" {
			w.Header().Set("Content-Security-Policy", csp)
		}
		indexTmpl.Execute(w, cfg)
	})
	mux.HandleFunc("GET /wasm_exec.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, wasmExec)
	})
	mux.HandleFunc("GET /prog.wasm", func(w http.ResponseWriter, r *http.Request) {
		// instantiateStreaming refuses any other type.
		w.Header().Set("Content-Type", "application/wasm")
		http.ServeFile(w, r, prog)
	})
	go http.Serve(ln, mux)
	return origin + "/", nil
}

// goroot finds the GOROOT of the go command that runs us: go test puts its
// own bin directory first on PATH.
func goroot() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	//lint:ignore SA1019 last resort when there is no go command
	return runtime.GOROOT()
}

// runPage runs one browser with one tab on url until the page reports its
// exit code, throws, crashes, or ctx ends.
func runPage(ctx context.Context, execPath, url string) (int, error) {
	opts := browser.Options(execPath)
	// The allocator makes a fresh --user-data-dir and removes it in cancel.
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()

	// chromedp turns on domains for its DOM helpers that we do not use;
	// Network would also keep a copy of the wasm binary. A stack trace for
	// each console call costs more than the call itself under wasm, and
	// an exception's description has its stack anyway.
	quiet := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, m := range []cdp.Command[cdp.Empty, cdp.Empty]{network.Disable, css.Disable, dom.Disable} {
			if _, err := cdp.Call(ctx, t, m, cdp.Empty{}); err != nil {
				return err
			}
		}
		_, err := cdp.Call(ctx, t, cdpruntime.SetMaxCallStackSizeToCapture, cdpruntime.SetMaxCallStackSizeToCaptureParams{})
		return err
	})
	if err := chromedp.Do(ctx, quiet); err != nil {
		return 0, fmt.Errorf("failed to start %s: %w", execPath, err)
	}
	messages := chromedp.Console(ctx)
	crashes := chromedp.Events(ctx, inspector.TargetCrashed)

	// chromerunExit logs a marker with the code, so the exit comes on the
	// same ordered stream as the lines logged before it. (ExposeFunc runs
	// each call in its own goroutine: the exit could overtake those lines,
	// and two calls race.) The script keeps its own console.debug, and it
	// runs before any script of each new document.
	marker := "chromerun-exit-" + rand.Text() + ":"
	exitJS := `(() => {
		const debug = console.debug.bind(console);
		let done = false;
		window.chromerunExit = (code = 0) => {
			if (done) return;
			done = true;
			if (!Number.isInteger(code)) console.error("chromerunExit: not an integer:", code);
			debug("` + marker + `" + (Number.isInteger(code) ? code : 1));
		};
	})()`
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: exitJS}); err != nil {
		return 0, err
	}

	msgs := make(chan chromedp.ConsoleMessage)
	errc := make(chan error, 2)
	go func() {
		for m, err := range messages {
			if err != nil {
				errc <- err
				return
			}
			select {
			case msgs <- m:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		for _, err := range crashes {
			errc <- cmp.Or(err, errors.New("the page crashed"))
			return
		}
	}()

	res, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: url})
	if err == nil && res.ErrorText != "" {
		err = errors.New(res.ErrorText)
	}
	if err != nil {
		return 0, fmt.Errorf("failed to open %s: %w", url, err)
	}

	for {
		select {
		case m := <-msgs:
			switch {
			case strings.HasPrefix(m.Text, marker):
				return strconv.Atoi(strings.TrimPrefix(m.Text, marker))
			case m.IsException():
				// The description of an Error has its stack.
				text := m.Text
				if e := m.Exception.Exception; e != nil {
					if _, stack, ok := strings.Cut(e.Description, "\n"); ok {
						text += "\n" + stack
					}
				}
				fmt.Fprintln(os.Stderr, text)
				return 1, nil
			case m.Source != "": // the browser's own log, e.g. a failed load
				if m.Type == chromedp.ConsoleError && !strings.HasSuffix(m.URL, "/favicon.ico") {
					fmt.Fprintf(os.Stderr, "chromerun: %s: %s %s\n", m.Source, m.Text, m.URL)
				}
			case m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning || m.Type == "assert":
				fmt.Fprintln(os.Stderr, m.Text)
			case m.Type != "endGroup" && m.Type != "clear":
				fmt.Fprintln(os.Stdout, m.Text)
			}
		case err := <-errc:
			return 0, err
		}
	}
}
