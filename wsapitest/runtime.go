package wsapitest

import "testing"

// Runtime is a JavaScript runtime that Run runs the package's tests in:
// Node or Chromium, or a variant of one of them with an environment of its
// own (copy Node or Chromium, then set Name and Env).
type Runtime struct {
	// Name names the subtest, and the run in messages. The child run sees
	// it as $WSAPITEST_RUNTIME.
	Name string
	// Env holds "KEY=value" entries added to this runtime's environment
	// after Options.Env, so that they win.
	Env []string

	kind kind
}

type kind int

const (
	nodeKind kind = iota + 1
	chromiumKind
)

// The runtimes Run runs in by default.
var (
	// Node runs the tests in node ($NODE, else node on PATH) through
	// $GOROOT/lib/wasm/wasm_exec_node.js, with the WebSocket global on.
	Node = Runtime{Name: "node", kind: nodeKind}
	// Chromium runs the tests in headless Chromium through chromerun.
	Chromium = Runtime{Name: "chromium", kind: chromiumKind}
)

// Options configure Run; a nil *Options means every default.
type Options struct {
	// Env holds "KEY=value" entries added to the environment of every
	// run, such as the URLs of the servers the native test started; Run
	// fails the test on an entry with no "=" or no key. Defaults to none:
	// the runs get the native test's environment.
	Env []string
	// Runtimes are the runtimes to run in, in this order. Defaults to
	// Node, then Chromium.
	Runtimes []Runtime
	// Args are more go test flags for the child runs, such as -run or
	// -timeout. Defaults to none.
	Args []string
	// Chromerun is the path of the chromerun program. Defaults to
	// $CHROMERUN, else chromerun on PATH, else where go install puts it:
	// $(go env GOBIN), else $(go env GOPATH)/bin.
	Chromerun string
	// Report, when set, is called after each run that ran, passed or
	// failed, with the run's subtest and its whole output (go test -v's
	// text), for checks of one's own (say, that some test did run).
	// Defaults to nil.
	Report func(t *testing.T, rt Runtime, output string)
}
