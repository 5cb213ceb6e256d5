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
