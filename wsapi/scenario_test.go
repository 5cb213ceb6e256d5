package wsapi_test

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/protocoltest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// The scenarios and the traces Chrome's own WebSocket left when it ran them,
// recorded by testdata/js/scenarios.js (see TestRecordTraces). Embedded, so
// that the suite runs where there is no file system: in a browser.
var (
	//go:embed testdata/scenarios.json
	scenariosJSON []byte
	//go:embed testdata/chrome/traces.json
	chromeTracesJSON []byte
	//go:embed testdata/node/traces.json
	nodeTracesJSON []byte
)

// scenario is one entry of testdata/scenarios.json; the file's format is
// described in testdata/js/scenarios.js, which interprets it in JavaScript as
// runScenario does here in Go.
type scenario struct {
	Name      string              `json:"name"`
	URL       string              `json:"url"`
	Absolute  bool                `json:"absolute"`
	Protocols []string            `json:"protocols"`
	Observe   *bool               `json:"observe"`
	Pause     int                 `json:"pause"`
	Aggregate bool                `json:"aggregate"`
	On        map[string][]action `json:"on"`
	// Server names the third-party server of an interop scenario
	// (testdata/interop.json); "" is the scenario server.
	Server string `json:"server"`
	// Runs is how many times the recorder runs a scenario whose outcome
	// in the browser itself varies (a race in a third-party server): it
	// keeps each distinct trace, and a run may match any (see match).
	Runs int `json:"runs"`
}

// action is one step, as a JSON array: ["send", "text", "hello"].
type action []any

func (a action) str(i int) string { s, _ := a[i].(string); return s }
func (a action) num(i int) int    { f, _ := a[i].(float64); return int(f) }

func loadScenarios(t testing.TB) []scenario {
	return decodeScenarios(t, "scenarios.json", scenariosJSON)
}

func decodeScenarios(t testing.TB, name string, b []byte) []scenario {
	var f struct{ Scenarios []scenario }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
	return f.Scenarios
}

func loadTraces(t testing.TB, b []byte) map[string][]string {
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("recorded traces: %v", err)
	}
	return m
}

// TestScenarios runs every scenario through wsapi and holds its trace to the
// one the reference recorded: Chrome's, or in Node, Node's own.
func TestScenarios(t *testing.T) {
	env := scenarioEnv(t)
	refs := loadReferences(t, env, chromeTracesJSON, nodeTracesJSON)
	for _, sc := range loadScenarios(t) {
		t.Run(sc.Name, func(t *testing.T) {
			countScenario(t)
			refs.check(t, sc, runScenario(sc, env), "TestRecordTraces")
		})
	}
}

// references are the traces a run is held to: Chrome's, or in Node,
// Node's own but for the scenarios of wsapiFixesNode.
type references struct {
	runtime      string
	chrome, want map[string][]string
}

func loadReferences(t *testing.T, e env, chromeJSON, nodeJSON []byte) references {
	r := references{runtime: e.runtime, chrome: loadTraces(t, chromeJSON)}
	r.want = r.chrome
	if e.runtime == "node" {
		r.want = loadTraces(t, nodeJSON)
	}
	return r
}

// check holds a scenario's trace to its reference; recorder names the
// test that records the reference.
func (r references) check(t *testing.T, sc scenario, got []string, recorder string) {
	t.Helper()
	exp, n, ok := r.match(sc, got)
	switch {
	case n == 0:
		t.Fatalf("no recorded trace for %s: re-record (see %s); got\n%s", sc.Name, recorder, strings.Join(got, "\n"))
	case !ok && n > 1:
		t.Errorf("trace of %s on %s is none of the %d recorded (the first beside it)\n%s", sc.Name, r.runtime, n, traceDiff(exp, got))
	case !ok:
		t.Errorf("trace of %s on %s differs from the reference\n%s", sc.Name, r.runtime, traceDiff(exp, got))
	}
}

// match says whether got is one of the n recorded traces of sc: the one
// under its name, or, for a scenario whose reference varied from run to
// run (its "runs"), one of the others the recorder kept, name#2, name#3,
// .... exp is the first, the most frequent.
func (r references) match(sc scenario, got []string) (exp []string, n int, ok bool) {
	traces := r.want
	if _, fixed := wsapiFixesNode[sc.Name]; fixed && r.runtime == "node" {
		traces = r.chrome
	}
	name := sc.Name
	for {
		alt, recorded := traces[name]
		if !recorded {
			return exp, n, ok
		}
		if n++; n == 1 {
			exp = alt
		}
		ok = ok || slices.Equal(got, alt)
		name = sc.Name + "#" + strconv.Itoa(n+1)
	}
}

// traceDiff shows an expected trace beside the one a run left, a line an
// event, with "!" where they differ.
func traceDiff(want, got []string) string { return sideBySide("want", "got", want, got) }

func sideBySide(wantLabel, gotLabel string, want, got []string) string {
	var b strings.Builder
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		mark := " "
		if w != g {
			mark = "!"
		}
		fmt.Fprintf(&b, "%s %s %-50s %s %s\n", mark, wantLabel, w, gotLabel, g)
	}
	return b.String()
}

// wsapiFixesNode lists the scenarios where Node's own WebSocket (undici)
// departs from Chrome's and wsapi keeps Chrome's behaviour on Node all the
// same: there the Node run is held to Chrome's trace. The README lists them.
var wsapiFixesNode = map[string]string{
	"refused-403":            "undici fires error and never close after a failed handshake",
	"dead-port":              "undici fires error and never close when nothing listens",
	"protocols-not-offered":  "undici fires error and never close after a subprotocol mismatch",
	"close-while-connecting": "undici fires error and never close when closed while connecting",
	"redirect-302":           "undici fires error and never close after a redirect",
	"handshake-bad-accept":   "undici fires error and never close after a wrong Sec-WebSocket-Accept",
	"extension-unsupported":  "undici fires error and never close after an extension it does not know",
	"extension-name-upper":   "undici fires error and never close after an extension name in capitals",
	"extension-duplicate":    "undici fires error and never close after permessage-deflate twice",
	// Interop scenarios: a server that selects none of the subprotocols.
	"python-default/protocols-none-selected":      "undici fires error and never close after no subprotocol was selected",
	"python-subprotocols/protocols-none-selected": "undici fires error and never close after no subprotocol was selected",
	"node-protocols/protocols-none-selected":      "undici fires error and never close after no subprotocol was selected",
	"gorilla-protocols/protocols-none-selected":   "undici fires error and never close after no subprotocol was selected",
	"dead-port-close-in-error":                    "undici, closed in onerror, stays CONNECTING and fires error again, without end",
}

// env says where the scenario server is and which runtime runs the suite.
type env struct {
	server  string // http://127.0.0.1:port
	dead    string // ws://127.0.0.1:port/ where nothing listens
	runtime string // native, node or chromium
	// interop names the third-party servers that are up, by the names of
	// testdata/interop.json: http://127.0.0.1:port
	interop map[string]string
}

func (e env) wsBase() string { return wsapitest.WebSocketURL(e.server) }

func (e env) urlFor(sc scenario, id string) string {
	if sc.Absolute {
		return sc.URL
	}
	u := e.wsBase() + sc.URL
	if sc.URL == "dead" {
		u = e.dead
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "id=" + url.QueryEscape(id)
}

// runScenario is the Go twin of run() in testdata/js/scenarios.js.
func runScenario(sc scenario, e env) []string {
	if sc.Server != "" {
		if e.server = e.interop[sc.Server]; e.server == "" {
			return []string{"no server " + sc.Server}
		}
	}
	id := fmt.Sprintf("%s-%s-%08x", sc.Name, e.runtime, rand.Uint32())
	ws, err := wsapi.New(e.urlFor(sc, id), sc.Protocols...)
	if err != nil {
		return []string{"new -> " + domName(err)}
	}
	r := &runner{ws: ws, sc: sc}
	r.actions("new")
	if sc.Pause > 0 {
		if err := wsapi.WaitQueued(ws, sc.Pause); err != nil {
			r.add("pause: " + err.Error())
		}
	}
	ws.OnOpen(func() {
		r.add(fmt.Sprintf("open protocol=%s extensions=%s", protocoltest.JSString(ws.Protocol()), protocoltest.JSString(ws.Extensions())))
		r.actions("open")
	})
	ws.OnMessage(func(m wsapi.MessageEvent) {
		r.mu.Lock()
		r.count++
		r.bytes += len(m.Data)
		r.kinds |= 1 << m.Type
		n := r.count
		r.mu.Unlock()
		if !sc.Aggregate {
			r.add(messageLine(m))
		}
		r.actions("message:" + strconv.Itoa(n))
	})
	ws.OnError(func(err error) {
		if !errors.Is(err, wsapi.ErrConnection) {
			r.add("error does not wrap ErrConnection: " + err.Error())
		}
		r.add("error")
		r.actions("error")
	})
	ws.OnClose(func(ce wsapi.CloseEvent) {
		if sc.Aggregate {
			kind := map[int]string{1 << wsapi.Text: "text", 1 << wsapi.Binary: "binary"}[r.kinds]
			if kind == "" {
				kind = "mixed"
			}
			if r.kinds == 0 {
				kind = "text"
			}
			r.add(fmt.Sprintf("messages %d %s bytes=%d", r.count, kind, r.bytes))
		}
		r.add(fmt.Sprintf("close %d %s clean=%t", ce.Code, protocoltest.JSString(ce.Reason), ce.WasClean))
		r.actions("close")
	})
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		r.add("timeout")
		ws.Close()
		return r.lines()
	}
	if sc.Observe == nil || *sc.Observe {
		for _, l := range observe(e, id) {
			r.add("server: " + l)
		}
	}
	return r.lines()
}

// runner collects one scenario's trace; handlers run on the socket's
// goroutine while actions may run on others, so the trace is locked.
type runner struct {
	ws *wsapi.WebSocket
	sc scenario

	mu    sync.Mutex
	trace []string
	count int
	bytes int
	kinds int
}

func (r *runner) add(line string) {
	r.mu.Lock()
	r.trace = append(r.trace, line)
	r.mu.Unlock()
}

func (r *runner) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.trace)
}

func (r *runner) actions(trigger string) {
	for _, a := range r.sc.On[trigger] {
		r.add(r.act(a))
	}
}

// act runs one action and returns its trace line.
func (r *runner) act(a action) string {
	ws := r.ws
	switch a.str(0) {
	case "send":
		kind, data := payload(a.str(1), a[2])
		return fmt.Sprintf("send %s %d -> %s", kind, len(data), domName(sendAs(ws, kind, data)))
	case "send-many":
		n := a.num(1)
		kind, data := payload(a.str(2), a[3])
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { errs[i] = sendAs(ws, kind, data) })
		}
		wg.Wait()
		return fmt.Sprintf("send-many %d %s %d -> %s", n, kind, len(data), domName(errors.Join(errs...)))
	case "close", "close-len":
		if len(a) == 1 {
			return "close -> " + domName(ws.Close())
		}
		reason := a.str(2)
		if a.str(0) == "close-len" {
			reason = strings.Repeat("a", a.num(2))
		}
		return fmt.Sprintf("close %d %s -> %s", a.num(1), reasonText(reason), domName(ws.CloseWithStatus(a.num(1), reason)))
	case "state":
		return "state " + ws.ReadyState().String()
	case "buffered":
		return "buffered " + strconv.FormatUint(ws.BufferedAmount(), 10)
	case "spin":
		// Busy, as scenarios.js is: in a browser, a Go handler that
		// slept would let the event loop run other tasks meanwhile.
		for end := time.Now().Add(time.Duration(a.num(1)) * time.Millisecond); time.Now().Before(end); {
		}
		return "spin " + strconv.Itoa(a.num(1))
	case "protocol":
		return "protocol " + protocoltest.JSString(ws.Protocol())
	}
	return fmt.Sprintf("unknown action %v", a)
}

func sendAs(ws *wsapi.WebSocket, kind string, data []byte) error {
	if kind == "text" {
		return ws.SendText(string(data))
	}
	return ws.SendBinary(data)
}

// payload builds what a send action sends: text-len is "a".."z" repeating,
// binary-len has byte i = i % 251.
func payload(kind string, arg any) (string, []byte) {
	switch kind {
	case "text":
		s, _ := arg.(string)
		return "text", []byte(s)
	case "text-len":
		n := int(arg.(float64))
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + i%26)
		}
		return "text", b
	case "binary-len":
		n := int(arg.(float64))
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i % 251)
		}
		return "binary", b
	}
	panic("unknown send kind " + kind)
}

const quoteLimit = 32

func messageLine(m wsapi.MessageEvent) string {
	if m.Type == wsapi.Text {
		if len(m.Data) > quoteLimit {
			return fmt.Sprintf("message text %d fnv=%s", len(m.Data), fnv32a(m.Data))
		}
		return fmt.Sprintf("message text %d %s", len(m.Data), protocoltest.JSString(m.Text()))
	}
	return fmt.Sprintf("message binary %d fnv=%s", len(m.Data), fnv32a(m.Data))
}

func reasonText(r string) string {
	if len(r) > quoteLimit {
		return fmt.Sprintf("<%d bytes>", len(r))
	}
	return protocoltest.JSString(r)
}

func fnv32a(b []byte) string {
	h := fnv.New32a()
	h.Write(b)
	return fmt.Sprintf("%08x", h.Sum32())
}

// domName is the name of the DOMException a JS call would have thrown, or
// "ok".
func domName(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, wsapi.ErrSyntax):
		return "SyntaxError"
	case errors.Is(err, wsapi.ErrInvalidState):
		return "InvalidStateError"
	case errors.Is(err, wsapi.ErrInvalidAccess):
		return "InvalidAccessError"
	}
	return "error: " + err.Error()
}

// observe reads what the scenario server saw of connection id, through a
// socket of our own.
func observe(e env, id string) []string {
	ws, err := wsapi.New(e.wsBase() + "/observe?id=" + url.QueryEscape(id))
	if err != nil {
		return []string{"observe: " + err.Error()}
	}
	var mu sync.Mutex
	var lines []string
	ws.OnMessage(func(m wsapi.MessageEvent) {
		mu.Lock()
		lines = append(lines, m.Text())
		mu.Unlock()
	})
	select {
	case <-ws.Done():
	case <-time.After(8 * time.Second):
		ws.Close()
		return append(lines, "timeout")
	}
	mu.Lock()
	defer mu.Unlock()
	return lines
}

// Scenario counts, for the summary TestMain prints.
var (
	countMu              sync.Mutex
	passed, ranScenarios int
)

func countScenario(t *testing.T) {
	t.Cleanup(func() {
		countMu.Lock()
		defer countMu.Unlock()
		ranScenarios++
		if !t.Failed() {
			passed++
		}
	})
}

// TestReferencesAlternatives: a scenario whose recording kept more than
// one of Chrome's outcomes (its "runs") is matched by any of them, and by
// nothing else; a scenario with one outcome by that one only.
func TestReferencesAlternatives(t *testing.T) {
	r := references{runtime: "native", chrome: map[string][]string{
		"a":    {"close 1011 clean=true"},
		"a#2":  {"close 1011 clean=false"},
		"b":    {"open"},
		"b#x":  {"close"}, // not an alternative: # then a number only
		"ab#2": {"close"}, // another scenario's
	}}
	r.want = r.chrome
	for _, c := range []struct {
		name  string
		got   string
		match bool
	}{
		{"a", "close 1011 clean=true", true},
		{"a", "close 1011 clean=false", true},
		{"a", "close 1006 clean=false", false},
		{"b", "open", true},
		{"b", "close", false},
	} {
		_, n, ok := r.match(scenario{Name: c.name}, []string{c.got})
		if n == 0 || ok != c.match {
			t.Errorf("match(%s, %q) = %d recorded, ok %v; want some, %v", c.name, c.got, n, ok, c.match)
		}
	}
	if _, n, _ := r.match(scenario{Name: "a"}, nil); n != 2 {
		t.Errorf("match(a) counts %d recorded traces, want 2", n)
	}
	if _, n, _ := r.match(scenario{Name: "c"}, nil); n != 0 {
		t.Errorf("match of a scenario never recorded counts %d traces", n)
	}
}
