//go:build js && wasm

package wsapi_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestHelperMessageChannel: where there is neither scheduler.postTask nor
// setImmediate (Safari), the JS helper's task after a batch comes through
// a MessageChannel. The messages then come all and in order, and the
// channel ends with the socket: in Node, an open port with a listener is an
// active resource (it would also keep the process alive), and so in a
// browser a port that is never closed is never collected.
func TestHelperMessageChannel(t *testing.T) {
	if !wsapi.UsesJSHelper() {
		t.Skip("no JS helper on this page")
	}
	e := scenarioEnv(t)
	g := js.Global()
	hidden := []string{"scheduler", "setImmediate"}
	saved := make([]js.Value, len(hidden))
	for i, name := range hidden {
		saved[i] = g.Get(name)
		g.Set(name, js.Undefined())
	}
	restore := func() {
		for i, name := range hidden {
			g.Set(name, saved[i])
		}
	}
	defer restore()
	if g.Get("scheduler").Truthy() || g.Get("setImmediate").Truthy() {
		t.Skip("this runtime does not let its scheduler be hidden")
	}
	before := activePorts()

	const n = 50
	id := fmt.Sprintf("helper-mc-%s-%08x", e.runtime, rand.Uint32())
	ws, err := wsapi.New(e.wsBase() + "/push?n=" + strconv.Itoa(n) + "&code=1000&reason=done&id=" + id)
	restore() // the helper of ws has made its choice
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	ws.SetHandlers(wsapi.Handlers{
		Message: func(m wsapi.MessageEvent) { got = append(got, m.Text()) },
		Close:   func(ce wsapi.CloseEvent) { got = append(got, "close "+strconv.Itoa(ce.Code)+" "+ce.Reason) },
	})
	select {
	case <-ws.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("no close")
	}
	var want []string
	for i := 1; i <= n; i++ {
		want = append(want, "push "+strconv.Itoa(i))
	}
	want = append(want, "close 1000 done")
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}

	if before < 0 {
		return // not Node: no way to see the ports
	}
	deadline := time.Now().Add(2 * time.Second)
	for activePorts() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := activePorts(); after != before {
		t.Errorf("%d MessagePorts active after the socket closed, %d before", after, before)
	}
}

// activePorts counts the MessagePorts among Node's active resources, or
// returns -1 outside Node.
func activePorts() int {
	p := js.Global().Get("process")
	if !p.Truthy() || p.Get("getActiveResourcesInfo").Type() != js.TypeFunction {
		return -1
	}
	list := p.Call("getActiveResourcesInfo")
	n := 0
	for i := range list.Length() {
		if list.Index(i).String() == "MessagePort" {
			n++
		}
	}
	return n
}

// TestSendCopiesAtOnce: a sink sends Go's bytes from a view of Go's
// memory, which the runtime's send must copy before it returns, as
// SendBinary promises that the caller may reuse its slice at once. Each
// buffer is overwritten right after its send, the large ones too, and
// the echoes must still be what was sent, in order. (TestTextKeepsBOM
// covers text that starts with U+FEFF, which Node drops on receipt.)
func TestSendCopiesAtOnce(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/echo?id=send-copies-" + e.runtime)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{1, 16, 1000, 20 << 10, 300 << 10}
	got := make(chan []byte, len(sizes)+1)
	ws.SetHandlers(wsapi.Handlers{
		Open: func() {
			buf := make([]byte, 300<<10)
			for i, n := range sizes {
				for j := range buf[:n] {
					buf[j] = byte(i + j)
				}
				ws.SendBinary(buf[:n])
				clear(buf) // the caller's to reuse, at once
				ws.SendText(strings.Repeat("é", i))
			}
		},
		Message: func(m wsapi.MessageEvent) { got <- m.Data },
	})
	defer ws.Close()
	for i, n := range sizes {
		for _, kind := range []string{"binary", "text"} {
			var b []byte
			select {
			case b = <-got:
			case <-time.After(10 * time.Second):
				t.Fatalf("no echo of the %s message %d", kind, i)
			}
			if kind == "text" {
				if want := strings.Repeat("é", i); string(b) != want {
					t.Errorf("text echo %d: %q, want %q", i, b, want)
				}
				continue
			}
			if len(b) != n {
				t.Fatalf("binary echo %d: %d bytes, want %d", i, len(b), n)
			}
			for j := range b {
				if b[j] != byte(i+j) {
					t.Fatalf("binary echo %d: byte %d is %d, want %d: the send read the buffer after it returned", i, j, b[j], byte(i+j))
				}
			}
		}
	}
}

// TestHelperBurstAfterRoundTrips: after a run of single round trips, in
// which the helper posts its gathering task after ever fewer messages, a
// burst still arrives whole and in order, and so do round trips after it.
func TestHelperBurstAfterRoundTrips(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/echo?id=burst-after-rt-" + e.runtime)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 100)
	ws.SetHandlers(wsapi.Handlers{
		Open:    func() { got <- "open" },
		Message: func(m wsapi.MessageEvent) { got <- m.Text() },
	})
	defer ws.Close()
	next := func(want string) {
		t.Helper()
		select {
		case s := <-got:
			if s != want {
				t.Fatalf("got %q, want %q", s, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q", want)
		}
	}
	next("open")
	for round, n := range []int{1, 50, 1} {
		for i := range 200 / n {
			for j := range n {
				ws.SendText(fmt.Sprint(round, i, j))
			}
			for j := range n {
				next(fmt.Sprint(round, i, j))
			}
		}
	}
}
