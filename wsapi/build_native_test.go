//go:build !js

package wsapi_test

import (
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBuildTags checks that each file that needs the browser says so in its
// build constraint, and each file that needs the network stack excludes the
// browser: a missing tag breaks one of the two builds, or links net/http
// into the wasm one.
func TestBuildTags(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		var expr constraint.Expr
		for _, cg := range file.Comments {
			for _, c := range cg.List {
				if constraint.IsGoBuild(c.Text) {
					expr, _ = constraint.Parse(c.Text)
				}
			}
		}
		js := expr != nil && expr.Eval(func(tag string) bool { return tag == "js" || tag == "wasm" }) &&
			!expr.Eval(func(tag string) bool { return tag == "linux" || tag == "amd64" })
		native := expr != nil && !expr.Eval(func(tag string) bool { return tag == "js" || tag == "wasm" })
		for _, imp := range file.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			switch {
			case (p == "syscall/js" || strings.HasPrefix(p, "github.com/hack-pad/safejs")) && !js:
				t.Errorf("%s imports %s but lacks //go:build js && wasm", f, p)
			case (p == "net/http" || p == "crypto/tls" || p == "net" || strings.HasPrefix(p, "github.com/coder/websocket")) && !native && !strings.HasSuffix(f, "_test.go"):
				t.Errorf("%s imports %s but lacks //go:build !js", f, p)
			}
		}
		if strings.HasSuffix(f, "_js.go") || strings.HasSuffix(f, "_js_test.go") {
			if !js {
				t.Errorf("%s is named for js but lacks //go:build js && wasm", f)
			}
		}
		if strings.Contains(f, "_native") && !native {
			t.Errorf("%s is named native but lacks //go:build !js", f)
		}
	}
}

// TestWasmDeps checks what the browser build links: the browser has its own
// WebSocket, so net/http and coder/websocket would only add megabytes.
func TestWasmDeps(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, banned := range []string{"net/http", "crypto/tls", "github.com/coder/websocket"} {
		if slices.Contains(deps, banned) {
			t.Errorf("the js/wasm build of wsapi imports %s", banned)
		}
	}
	if !slices.Contains(deps, "github.com/hack-pad/safejs") {
		t.Errorf("the js/wasm build does not use safejs: %v", deps)
	}
}
