//go:build !js

// Command wasmsize measures what package wsapi adds to a Go program
// compiled to WebAssembly (item 3 of `make bench`): the raw and gzipped
// sizes of an empty main (the floor every Go wasm program pays), of the
// floor that wsapi's dependencies set (safejs and context), of a minimal
// program that opens a socket with wsapi, of the same program on
// coder/websocket's own js/wasm client (the peer), and of the demo's
// program (wasm/), and the packages each build pulls in. net/http must
// never be in wsapi's: it would add megabytes, and the browser does the
// networking (coder's js build links it).
//
// The programs (internal/wasmprog, which wsapi's TestWasmSize builds too)
// are written to temporary modules, those on wsapi requiring this
// repository's module through a replace directive; all are built as `make build-wasm` builds the demo
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
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/gomod"
	"github.com/go-wsapi/wsapi/bench/internal/report"
	"github.com/go-wsapi/wsapi/internal/wasmprog"
)

// maxAbove is issue 4's target: the minimal program at most 100 kB of
// gzip above the empty main. maxOwn is issue 15's: what wsapi's own code
// adds above the floor of safejs and context (wasmprog.Floor), at most
// 40 kB of gzip; wsapi's TestWasmSize holds it.
const (
	maxAbove = 100e3
	maxOwn   = 40e3
)

// forbidden is the package that must never be in a wasm build.
const forbidden = "net/http"

func main() {
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this `duration`")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	var s *report.Section
	root, err := gomod.Root()
	if err == nil {
		s, err = run(ctx, root)
	}
	report.Finish("wasmsize", s, err, *jsonOut)
}

// program is one build and what it weighs.
type program struct {
	name     string
	dir, pkg string // where to build, and what
	// mod, src and requires, where set, make the program a module of its
	// own: its name, its main.go, and its go.mod's requirements.
	mod, src, requires string
	raw, gz            int
	packages           []string
	code               map[string]int // bytes of function bodies per package, unstripped
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
	coderVersion, err := goCmd(ctx, root, "list", "-m", "-f", "{{.Version}}", "github.com/coder/websocket")
	if err != nil {
		return nil, err
	}
	// Those that use wsapi require this repository's module through a
	// replace directive, the floor (safejs) too, so that it links the
	// very safejs wsapi does.
	withRoot := "require github.com/go-wsapi/wsapi v0.0.0\n\nreplace github.com/go-wsapi/wsapi => " + root + "\n"
	progs := []*program{
		{name: "empty main", mod: "empty", src: wasmprog.Empty},
		{name: "minimal wsapi program", mod: "minimal", src: wasmprog.Minimal, requires: withRoot},
		{name: "demo (wasm/)", dir: root, pkg: "./wasm"},
		{name: "safejs and context (floor)", mod: "floor", src: wasmprog.Floor, requires: withRoot},
		{name: "the minimal program on coder/websocket's js client", mod: "coder", src: wasmprog.Coder,
			requires: "require github.com/coder/websocket " + strings.TrimSpace(coderVersion) + "\n"},
	}
	for i, p := range progs {
		if p.src != "" {
			p.dir, p.pkg = filepath.Join(tmp, p.mod), "."
			mod := "module wasmsize.example/" + p.mod + "\n\ngo 1.26\n\n" + p.requires
			if err := writeFiles(p.dir, map[string]string{"go.mod": mod, "go.sum": string(gosum), "main.go": p.src}); err != nil {
				return nil, err
			}
		}
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
	return gomod.Go(ctx, dir, []string{"GOOS=js", "GOARCH=wasm", "GOFLAGS=-mod=mod", "GOWORK=off"}, args...)
}

// writeFiles writes files, by name, into dir.
func writeFiles(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
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
	empty, minimal, demo, floor, coder := progs[0], progs[1], progs[2], progs[3], progs[4]
	s := &report.Section{Item: 3, Title: "Wasm size: gzip, above an empty main"}
	above := minimal.gz - empty.gz
	own := minimal.gz - floor.gz
	s.Rows = append(s.Rows,
		report.Row{
			Name:   "wasm: wsapi's own share, gzip, above safejs and context",
			Ours:   kB(minimal.gz),
			Base:   kB(floor.gz) + " (floor)",
			Ratio:  "+" + kB(own),
			Target: fmt.Sprintf("≤ +%.0f kB", maxOwn/1e3),
			Pass:   report.Check(own <= maxOwn),
			Values: map[string]float64{"minimal_gz": float64(minimal.gz), "floor_gz": float64(floor.gz), "own": float64(own)},
		},
		report.Row{
			Name:   "wasm: minimal program, gzip, vs the same on coder/websocket's js client",
			Ours:   kB(minimal.gz),
			Base:   kB(coder.gz) + " (coder)",
			Ratio:  report.Ratio(float64(minimal.gz) / float64(coder.gz)),
			Values: map[string]float64{"minimal_gz": float64(minimal.gz), "coder_gz": float64(coder.gz)},
		},
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
		ours := "absent"
		if slices.Contains(p.packages, forbidden) {
			ours = "present: " + forbidden
		}
		s.Rows = append(s.Rows, report.Row{
			Name:   "wasm: " + forbidden + " in the " + strings.TrimSuffix(p.name, " (wasm/)") + " build",
			Ours:   ours,
			Target: "absent",
			Pass:   report.Check(ours == "absent"),
		})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s, as `make build-wasm`; gzip at the best level, as the demo's server serves it; 1 kB = 1,000 bytes.\n\n")
	fmt.Fprintf(&d, "| program | raw | gzip | gzip above empty main | packages |\n|---|--:|--:|--:|--:|\n")
	for _, p := range progs {
		fmt.Fprintf(&d, "| %s | %s | %s | %s | %d |\n", p.name, kB(p.raw), kB(p.gz), kB(p.gz-empty.gz), len(p.packages))
	}
	for _, p := range []*program{minimal, demo} {
		fmt.Fprintf(&d, "\nThe packages the %s pulls in beyond the empty main's %d:\n\n```\n%s\n```\n",
			p.name, len(empty.packages), wrap(added(p, empty), 100))
	}
	fmt.Fprintf(&d, "\nThe packages the minimal program pulls in beyond the floor's (safejs and context), wsapi's own:\n\n```\n%s\n```\n", wrap(added(minimal, floor), 100))
	for _, base := range []*program{empty, floor} {
		fmt.Fprintf(&d, "\nWhere the minimal program's code grows over that of %s: bytes of function bodies per package, uncompressed\n", base.name)
		fmt.Fprintf(&d, "(from the name section of an unstripped build; data such as strings, type descriptors and the pc tables is not counted):\n\n```\n%s```\n", growth(minimal, base))
	}
	s.Detail = d.String()
	return s
}

// added lists the packages p links that base does not.
func added(p, base *program) []string {
	var pkgs []string
	for _, pkg := range p.packages {
		if !slices.Contains(base.packages, pkg) {
			pkgs = append(pkgs, pkg)
		}
	}
	return pkgs
}

// growth lists, largest first, the 20 packages whose code grows most from
// base to p, and the growth in all.
func growth(p, base *program) string {
	type grown struct {
		pkg string
		n   int
	}
	var gs []grown
	total := 0
	for pkg, n := range p.code {
		if g := n - base.code[pkg]; g != 0 {
			gs = append(gs, grown{pkg, g})
			total += g
		}
	}
	slices.SortFunc(gs, func(a, b grown) int { return b.n - a.n })
	var d strings.Builder
	for i, g := range gs {
		if i == 20 {
			break
		}
		fmt.Fprintf(&d, "%9d  %s\n", g.n, g.pkg)
	}
	fmt.Fprintf(&d, "%9d  in all\n", total)
	return d.String()
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
