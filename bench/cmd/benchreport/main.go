//go:build !js

// Command benchreport gathers what the benchmark programs wrote into one
// directory (ci/bench.sh runs them) and prints one table of ratios, with
// the absolute figures beside them, then writes it to BENCHMARKS.md with
// each benchmark's details and the machine it ran on.
//
// The directory holds a JSON report.Section per program (any *.json file),
// and the native benchmarks' `go test -bench` output (native.txt), which
// nativebench made 1-native.json of, with benchstat's comparison of it
// (native-benchstat.txt).
//
//	go run ./bench/cmd/benchreport -dir .cache/bench -o BENCHMARKS.md
package main

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// items are the benchmarks of `make bench`, by item number, and the
// program that writes each.
var items = []struct {
	item  int
	title string
	by    string
}{
	{1, "Native overhead: wsapi against raw coder/websocket", "bench/cmd/nativebench, of go test -bench ./wsapi"},
	{2, "Browser overhead", "bench/cmd/browserbench"},
	{3, "Wasm size", "bench/cmd/wasmsize"},
	{4, "Memory per idle connection", "bench/cmd/membench"},
	{5, "Fan-out", "bench/cmd/fanout"},
	{6, "Reconnect", "bench/cmd/reconnectbench"},
}

func main() {
	dir := flag.String("dir", ".cache/bench", "the `directory` of the results")
	out := flag.String("o", "BENCHMARKS.md", "write the report to this `file`; empty for none")
	started := flag.Int64("started", 0, "when the run started, in Unix `seconds`, for its duration")
	flag.Parse()
	if err := run(*dir, *out, *started, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(dir, out string, started int64, stdout io.Writer) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	var sections []*report.Section
	for _, f := range files {
		s, err := report.Read(f)
		if err != nil {
			return err
		}
		sections = append(sections, s)
	}
	slices.SortStableFunc(sections, func(a, b *report.Section) int { return cmp.Compare(a.Item, b.Item) })
	benchstat, _ := os.ReadFile(filepath.Join(dir, "native-benchstat.txt"))
	native, _ := os.ReadFile(filepath.Join(dir, "native.txt"))
	nativeRan := bytes.Contains(native, []byte("ns/op"))

	// A slot for every item, whether its program wrote a section or not.
	rows := func(item int) []report.Row {
		var rs []report.Row
		for _, s := range sections {
			if s.Item == item {
				rs = append(rs, s.Rows...)
			}
		}
		if len(rs) > 0 {
			return rs
		}
		switch {
		case item == 1 && nativeRan:
			return []report.Row{{Name: "native: see benchstat below", Ours: "no ratios: see the log of make bench"}}
		case item == 1:
			return []report.Row{{Name: "native: wsapi vs coder/websocket", Ours: "no benchmarks yet"}}
		}
		return []report.Row{{Name: items[item-1].title, Ours: "did not run: see the log of make bench"}}
	}

	var all []report.Row
	pass, miss := 0, 0
	for _, it := range items {
		for _, r := range rows(it.item) {
			all = append(all, r)
			switch r.Result() {
			case "pass":
				pass++
			case "MISS":
				miss++
			}
		}
	}
	m := machine(dir)
	var took string
	if started > 0 {
		took = time.Since(time.Unix(started, 0)).Round(time.Second).String()
	}

	// The table, on stdout.
	fmt.Fprintf(stdout, "\nmake bench: %s, %s\n", m.date, m.summary)
	report.PrintRows(stdout, "", all)
	fmt.Fprintf(stdout, "targets: %d pass, %d missed", pass, miss)
	if took != "" {
		fmt.Fprintf(stdout, "; the run took %s", took)
	}
	fmt.Fprintln(stdout)
	if out == "" {
		return nil
	}

	// BENCHMARKS.md.
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "What `make bench` measured on %s. Every ratio compares figures measured in the same run; the targets are issue 4's, as issue 15 set them anew.\n", m.date)
	fmt.Fprintf(&b, "The programs are in [`bench/`](bench), the run in [`ci/bench.sh`](ci/bench.sh). These are measurements: a missed target is\n")
	fmt.Fprintf(&b, "a finding, with its profile below, not a failure of the run.\n\n")
	fmt.Fprintf(&b, "| machine | |\n|---|---|\n")
	for _, kv := range m.rows {
		fmt.Fprintf(&b, "| %s | %s |\n", kv[0], kv[1])
	}
	if took != "" {
		fmt.Fprintf(&b, "| duration of `make bench` | %s |\n", took)
	}
	fmt.Fprintf(&b, "\n## Summary\n\n%d targets pass, %d missed.\n\n", pass, miss)
	fmt.Fprintf(&b, "| measure | wsapi | baseline | ratio | target | result |\n|---|--:|--:|--:|---|---|\n")
	for _, r := range all {
		res := r.Result()
		if res == "MISS" {
			res = "**MISS**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", cell(r.Name), cell(r.Ours), cell(r.Base), r.Ratio, r.Target, res)
	}
	for _, it := range items {
		fmt.Fprintf(&b, "\n## %d. %s\n\n", it.item, it.title)
		found := false
		for _, s := range sections {
			if s.Item == it.item {
				found = true
				fmt.Fprintf(&b, "%s\n\n%s", s.Title, s.Detail)
			}
		}
		if it.item == 1 {
			fmt.Fprintf(&b, "The same runs (`native.txt`), compared by `benchstat -col /client`:\n\n")
			if nativeRan {
				fmt.Fprintf(&b, "```\n%s\n```\n", strings.TrimSpace(string(benchstat)))
			} else {
				fmt.Fprintf(&b, "No benchmarks yet.\n")
			}
			continue
		}
		if !found {
			fmt.Fprintf(&b, "Did not run (%s): see the log of `make bench`.\n", it.by)
		}
	}
	return os.WriteFile(out, []byte(b.String()), 0o644)
}

// cell keeps a table cell a cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// machineInfo is what the report says of where it ran: its date, a line
// for stdout, and the rows of BENCHMARKS.md's table.
type machineInfo struct {
	date, summary string
	rows          [][2]string
}

func machine(dir string) machineInfo {
	cpu, memGiB, kernel := "unknown", 0.0, ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb float64
		if i := bytes.Index(b, []byte("MemTotal:")); i >= 0 {
			fmt.Sscan(string(b[i+len("MemTotal:"):]), &kb)
		}
		memGiB = kb / (1 << 20)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = runtime.GOOS + " " + strings.TrimSpace(string(b))
	}
	goVersion := firstLine(exec.Command("go", "version").Output())
	chromium := firstLine(exec.Command(cmp.Or(os.Getenv("CHROMIUM"), "chromium"), "--version").Output())
	date := time.Now().UTC().Format("2006-01-02 15:04 UTC")
	return machineInfo{
		date:    date,
		summary: fmt.Sprintf("%d cores (%s), %.0f GiB; %s; %s", runtime.NumCPU(), cpu, memGiB, goVersion, chromium),
		rows: [][2]string{
			{"date", date},
			{"cores (nproc)", strconv.Itoa(runtime.NumCPU())},
			{"CPU", cpu},
			{"memory", fmt.Sprintf("%.1f GiB", memGiB)},
			{"kernel", kernel},
			{"Go", goVersion},
			{"Chromium", chromium},
			{"load average (1, 5, 15 min) at start, at end",
				loadavg(os.ReadFile(filepath.Join(dir, "loadavg-start"))) + "; " + loadavg(os.ReadFile("/proc/loadavg"))},
		},
	}
}

func firstLine(b []byte, err error) string {
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return line
}

// loadavg is the 1, 5 and 15 minute load averages of /proc/loadavg.
func loadavg(b []byte, err error) string {
	f := strings.Fields(string(b))
	if err != nil || len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
