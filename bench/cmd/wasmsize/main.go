//go:build !js

// Command wasmsize measures what package wsapi adds to a Go program
// compiled to WebAssembly (item 3 of `make bench`): the raw and gzipped
// sizes of an empty main (the floor every Go wasm program pays), of a
// minimal program that opens a socket with wsapi, and of the demo's
// program (wasm/), and the packages each build pulls in. net/http must
// never be among them: it would add megabytes, and the browser does the
// networking.
//
// The empty and minimal programs are written to temporary modules, the
// minimal one requiring this repository's module through a replace
// directive; all three are built as `make build-wasm` builds the demo
// (GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s). Gzip is at the best
// level, as the demo's server serves the wasm. kB here are 1,000 bytes.
//
//	go run ./bench/cmd/wasmsize
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/gomod"
	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// maxAbove is the target: the minimal program at most 100 kB of gzip
// above the empty main.
const maxAbove = 100e3

// forbidden are the packages that must never be in a wasm build.
var forbidden = []string{"net/http"}

const emptyMain = `package main

func main() {}
`

const minimalMain = `package main

import "github.com/go-wsapi/wsapi/wsapi"

// A minimal wsapi program: connect, say hello, print the echo, close.
func main() {
	ws, err := wsapi.New("ws://127.0.0.1:8080/ws/echo")
	if err != nil {
		println(err.Error())
		return
	}
	ws.OnOpen(func() { ws.SendText("hello") })
	ws.OnMessage(func(m wsapi.MessageEvent) {
		println(m.Text())
		ws.Close()
	})
	<-ws.Done()
}
`

func main() {
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this `duration`")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	root, err := gomod.Root()
	if err == nil {
		var s *report.Section
		if s, err = run(ctx, root); err == nil {
			s.Print(os.Stdout)
			err = s.Write(*jsonOut)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

// program is one build and what it weighs.
type program struct {
	name     string
	dir, pkg string // where to build, and what
	raw, gz  int
	packages []string
	code     map[string]int // bytes of function bodies per package, unstripped
}

func run(ctx context.Context, root string) (*report.Section, error) {
	tmp, err := os.MkdirTemp("", "wasmsize-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return nil, err
	}
	files := map[string]string{
		"empty/go.mod":    "module wasmsize.example/empty\n\ngo 1.26\n",
		"empty/main.go":   emptyMain,
		"minimal/go.mod":  "module wasmsize.example/minimal\n\ngo 1.26\n\nrequire github.com/go-wsapi/wsapi v0.0.0\n\nreplace github.com/go-wsapi/wsapi => " + root + "\n",
		"minimal/go.sum":  string(gosum),
		"minimal/main.go": minimalMain,
	}
	for name, content := range files {
		p := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return nil, err
		}
	}

	progs := []*program{
		{name: "empty main", dir: filepath.Join(tmp, "empty"), pkg: "."},
		{name: "minimal wsapi program", dir: filepath.Join(tmp, "minimal"), pkg: "."},
		{name: "demo (wasm/)", dir: root, pkg: "./wasm"},
	}
	for i, p := range progs {
		out := filepath.Join(tmp, fmt.Sprintf("%d.wasm", i))
		if _, err := goCmd(ctx, p.dir, "build", "-trimpath", "-ldflags=-s", "-o", out, p.pkg); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(out)
		if err != nil {
			return nil, err
		}
		p.raw = len(b)
		if p.gz, err = gzipSize(b); err != nil {
			return nil, err
		}
		list, err := goCmd(ctx, p.dir, "list", "-deps", p.pkg)
		if err != nil {
			return nil, err
		}
		p.packages = strings.Fields(list)
		// Once more with the name section, to tell whose code it is.
		named := filepath.Join(tmp, fmt.Sprintf("%d-named.wasm", i))
		if _, err := goCmd(ctx, p.dir, "build", "-trimpath", "-o", named, p.pkg); err != nil {
			return nil, err
		}
		if b, err = os.ReadFile(named); err != nil {
			return nil, err
		}
		if p.code, err = codeByPackage(b, p.packages); err != nil {
			return nil, fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return section(progs), nil
}

// goCmd runs go for js/wasm in dir and returns its output. -mod=mod lets
// the minimal module take its requirements from the repository's;
// GOWORK=off builds the library alone, as a user's program gets it (and
// the workspace would refuse -mod=mod).
func goCmd(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=-mod=mod", "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("GOOS=js GOARCH=wasm go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return string(out), nil
}

func gzipSize(b []byte) (int, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}

func kB(n int) string { return fmt.Sprintf("%.1f kB", float64(n)/1e3) }

func section(progs []*program) *report.Section {
	empty, minimal, demo := progs[0], progs[1], progs[2]
	s := &report.Section{Item: 3, Title: "Wasm size: gzip, above an empty main"}
	above := minimal.gz - empty.gz
	s.Rows = append(s.Rows,
		report.Row{
			Name:   "wasm: minimal wsapi program, gzip",
			Ours:   kB(minimal.gz),
			Base:   kB(empty.gz) + " (empty main)",
			Ratio:  "+" + kB(above),
			Target: fmt.Sprintf("≤ +%.0f kB", maxAbove/1e3),
			Pass:   report.Check(above <= maxAbove),
			Values: map[string]float64{"minimal_gz": float64(minimal.gz), "empty_gz": float64(empty.gz), "above": float64(above)},
		},
		report.Row{
			Name:   "wasm: demo program, gzip",
			Ours:   kB(demo.gz),
			Base:   kB(empty.gz) + " (empty main)",
			Ratio:  "+" + kB(demo.gz-empty.gz),
			Values: map[string]float64{"demo_gz": float64(demo.gz), "empty_gz": float64(empty.gz)},
		},
	)
	for _, p := range []*program{minimal, demo} {
		var found []string
		for _, f := range forbidden {
			if slices.Contains(p.packages, f) {
				found = append(found, f)
			}
		}
		ours := "absent"
		if len(found) > 0 {
			ours = "present: " + strings.Join(found, ", ")
		}
		s.Rows = append(s.Rows, report.Row{
			Name:   "wasm: " + strings.Join(forbidden, ", ") + " in the " + strings.TrimSuffix(p.name, " (wasm/)") + " build",
			Ours:   ours,
			Target: "absent",
			Pass:   report.Check(len(found) == 0),
		})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s, as `make build-wasm`; gzip at the best level, as the demo's server serves it; 1 kB = 1,000 bytes.\n\n")
	fmt.Fprintf(&d, "| program | raw | gzip | gzip above empty main | packages |\n|---|--:|--:|--:|--:|\n")
	for _, p := range progs {
		fmt.Fprintf(&d, "| %s | %s | %s | %s | %d |\n", p.name, kB(p.raw), kB(p.gz), kB(p.gz-empty.gz), len(p.packages))
	}
	for _, p := range []*program{minimal, demo} {
		var added []string
		for _, pkg := range p.packages {
			if !slices.Contains(empty.packages, pkg) {
				added = append(added, pkg)
			}
		}
		fmt.Fprintf(&d, "\nThe %d packages the %s pulls in beyond the empty main's %d:\n\n```\n%s\n```\n",
			len(added), p.name, len(empty.packages), wrap(added, 100))
	}
	fmt.Fprintf(&d, "\nWhere the minimal program's code grows over the empty main's: bytes of function bodies per package, uncompressed\n")
	fmt.Fprintf(&d, "(from the name section of an unstripped build; data such as strings, type descriptors and the pc tables is not counted):\n\n```\n")
	type growth struct {
		pkg string
		n   int
	}
	var gs []growth
	total := 0
	for pkg, n := range minimal.code {
		if g := n - empty.code[pkg]; g != 0 {
			gs = append(gs, growth{pkg, g})
			total += g
		}
	}
	slices.SortFunc(gs, func(a, b growth) int { return b.n - a.n })
	for i, g := range gs {
		if i == 20 {
			break
		}
		fmt.Fprintf(&d, "%9d  %s\n", g.n, g.pkg)
	}
	fmt.Fprintf(&d, "%9d  in all\n```\n", total)
	s.Detail = d.String()
	return s
}

// wrap joins words with spaces into lines of at most width bytes.
func wrap(words []string, width int) string {
	var b strings.Builder
	n := 0
	for _, w := range words {
		if n > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
