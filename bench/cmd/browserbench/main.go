//go:build !js

// Command browserbench measures what Go in the browser costs over plain
// JavaScript (item 2 of `make bench`): in one headless Chromium page, the
// browser's WebSocket driven by JavaScript against the same WebSocket
// driven by Go compiled to WebAssembly through package wsapi, on one echo
// server.
//
// It builds the page's Go program (bench/browser) with GOOS=js
// GOARCH=wasm, serves it with the page and wasm_exec.js from the demo's
// own server (package server, on 127.0.0.1; the read limit raised to
// 2 MiB for the 1 MiB case and the rate limit off, both of which would
// otherwise close the connection), and opens the page with chromerun
// (cmd/chromerun, built here unless -chromerun names it), which keeps
// DevTools' Network domain off and copies the page's console here. The
// page (bench/browser/index.html) runs each case in batches, JavaScript,
// Go through wsapi, Go through syscall/js alone ("raw", no wsapi: the
// floor that the Go runtime sets), and Go through coder/websocket's own
// js/wasm client ("coder", the peer) in turn, and reports the median of
// each side's batches:
//
//   - round trips per second of 16-byte text messages, one in flight;
//   - messages per second of 16-byte text messages, 100 in flight;
//   - MB/s of 1 MiB binary messages, one in flight.
//
// The targets are wsapi ÷ JavaScript and wsapi ÷ coder (ahead of it);
// raw ÷ JavaScript is reported beside them, with no target, to tell
// wsapi's own cost from the runtime's.
//
// Without Chromium ($CHROMIUM, else chromium on PATH) it fails.
//
//	go run ./bench/cmd/browserbench -batches 7
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/gomod"
	"github.com/go-wsapi/wsapi/bench/internal/report"
	"github.com/go-wsapi/wsapi/server"
)

type config struct {
	root      string // the repository: the module's directory
	chromerun string // the runner; built from root/cmd/chromerun when empty
	batches   int
	minMs     int // the least time of a JavaScript batch
	max       int // cap on a batch's message count; 0 for none
	timeout   time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.chromerun, "chromerun", "", "the chromerun `binary` (default: built from cmd/chromerun)")
	flag.IntVar(&cfg.batches, "batches", 7, "batches per side and case")
	flag.IntVar(&cfg.minMs, "ms", 250, "the least `milliseconds` a JavaScript batch takes; sets the batch size")
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	flag.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "give up after this `duration`")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	var s *report.Section
	root, err := gomod.Root()
	if err == nil {
		cfg.root = root
		var res *result
		if res, err = run(ctx, cfg, os.Stderr); err == nil {
			s = section(res)
		}
	}
	report.Finish("browserbench", s, err, *jsonOut)
}

// result is what the page reports.
type result struct {
	UserAgent string       `json:"userAgent"`
	Batches   int          `json:"batches"`
	MinMs     int          `json:"minMs"`
	Cases     []caseResult `json:"cases"`
	Profiles  []profile    `json:"-"` // from PROFILE lines
}

// profile is one batch under the page's sampling profiler.
type profile struct {
	Name    string  `json:"name"`
	Side    string  `json:"side"`
	N       int     `json:"n"`
	Seconds float64 `json:"seconds"`
	Samples int     `json:"samples"`
	Self    [][]any `json:"self"` // [function, samples]
	Total   [][]any `json:"total"`
}

// busy is the page's time in JavaScript and WebAssembly per message, in
// µs: the batch's time, times the share of samples with a stack, over the
// messages. It counts what the side costs the page's thread, apart from
// the waits for the network that the batch's time includes.
func (p profile) busy() float64 {
	if p.Samples == 0 || p.N == 0 {
		return 0
	}
	outside := 0.0
	for _, e := range p.Self {
		if len(e) == 2 && e[0] == outsideName {
			outside, _ = e[1].(float64)
		}
	}
	return p.Seconds * 1e6 * (1 - outside/float64(p.Samples)) / float64(p.N)
}

// outsideName is the page's name for samples with no stack (index.html).
const outsideName = "(outside JS and wasm)"

type caseResult struct {
	Name        string    `json:"name"`
	Unit        string    `json:"unit"`
	N           int       `json:"n"`
	JS          []float64 `json:"js"`
	Go          []float64 `json:"go"`
	Raw         []float64 `json:"raw"`
	Coder       []float64 `json:"coder"`
	JSMedian    float64   `json:"jsMedian"`
	GoMedian    float64   `json:"goMedian"`
	RawMedian   float64   `json:"rawMedian"`
	CoderMedian float64   `json:"coderMedian"`
}

func run(ctx context.Context, cfg config, log *os.File) (*result, error) {
	tmp, err := os.MkdirTemp("", "browserbench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	wasm := filepath.Join(tmp, "bench.wasm")
	if _, err := gomod.Go(ctx, cfg.root, []string{"GOOS=js", "GOARCH=wasm"}, "build", "-trimpath", "-o", wasm, "./bench/browser"); err != nil {
		return nil, err
	}
	runner := cfg.chromerun
	if runner == "" {
		runner = filepath.Join(tmp, "chromerun")
		if _, err := gomod.Go(ctx, filepath.Join(cfg.root, "cmd", "chromerun"), nil, "build", "-o", runner, "."); err != nil {
			return nil, err
		}
	}

	srv, err := server.New(&server.Options{
		WebDir:    filepath.Join(cfg.root, "bench", "browser"),
		WasmPath:  wasm,
		ReadLimit: 2 << 20,
		RateLimit: -1,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	// The page's profiles need the JS Self-Profiling API, which a page
	// gets only when it asks for it in this header.
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Document-Policy", "js-profiling")
		}
		srv.ServeHTTP(w, r)
	})}
	go hs.Serve(ln)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		hs.Shutdown(sctx)
	}()

	q := fmt.Sprintf("?batches=%d&ms=%d&profile", cfg.batches, cfg.minMs)
	if cfg.max > 0 {
		q += "&max=" + strconv.Itoa(cfg.max)
	}
	url := "http://" + ln.Addr().String() + "/" + q
	cmd := exec.CommandContext(ctx, runner, "-timeout", cfg.timeout.String(), "-url", url)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = log
	runErr := cmd.Run()
	var res *result
	var profiles []profile
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if js, ok := strings.CutPrefix(line, "PROFILE "); ok {
			var p profile
			if err := json.Unmarshal([]byte(js), &p); err != nil {
				return nil, fmt.Errorf("the page's profile: %w", err)
			}
			profiles = append(profiles, p)
			continue
		}
		if js, ok := strings.CutPrefix(line, "RESULT "); ok {
			res = &result{}
			if err := json.Unmarshal([]byte(js), res); err != nil {
				return nil, fmt.Errorf("the page's result: %w", err)
			}
			continue
		}
		fmt.Fprintln(log, "browserbench: page:", line)
	}
	if runErr != nil || res == nil {
		return nil, fmt.Errorf("chromerun -url %s: %v; the page reported no result", url, runErr)
	}
	res.Profiles = profiles
	return res, nil
}
