// Package wasmprog holds the small programs whose WebAssembly builds
// measure what wsapi weighs in a browser: wsapi's TestWasmSize holds its
// budget on them, and bench/cmd/wasmsize reports them, so both measure the
// same programs.
package wasmprog

// Empty is the floor every Go wasm program pays.
const Empty = `package main

func main() {}
`

// Floor links what the browser build of wsapi needs whatever wsapi's own
// code does: safejs, as wsapi_js.go calls it, and context, which WaitOpen's
// signature imports (and with it time, and time's internal/godebug).
// safejs links fmt and reflect (its internal/catch formats what it
// recovers with fmt.Errorf).
const Floor = `package main

import (
	"context"

	"github.com/hack-pad/safejs"
)

func main() {
	ws, err := safejs.Global().Get("WebSocket")
	if err != nil {
		return
	}
	f, _ := safejs.FuncOf(func(safejs.Value, []safejs.Value) any { return nil })
	v, _ := ws.New("ws://127.0.0.1:8080/echo", []any{"chat.v1"})
	v.Set("onmessage", f.Value())
	b := make([]byte, 4)
	safejs.CopyBytesToGo(b, v)
	println(context.Canceled.Error())
}
`

// Minimal is the quick start of the README: a socket, three handlers, a
// send and a close.
const Minimal = `package main

import "github.com/go-wsapi/wsapi/wsapi"

func main() {
	ws, err := wsapi.New("ws://127.0.0.1:8080/echo", "chat.v1")
	if err != nil {
		println(err.Error())
		return
	}
	ws.OnOpen(func() { ws.SendText("hello") })
	ws.OnMessage(func(m wsapi.MessageEvent) {
		println(m.Text())
		ws.CloseWithStatus(1000, "bye")
	})
	ws.OnClose(func(e wsapi.CloseEvent) { println("closed", e.Code) })
	<-ws.Done()
}
`

// Coder is Minimal on coder/websocket's own js/wasm client, the peer a Go
// user would pick for the browser: dial, send, read the echo, close.
const Coder = `package main

import (
	"context"

	"github.com/coder/websocket"
)

func main() {
	ctx := context.Background()
	c, _, err := websocket.Dial(ctx, "ws://127.0.0.1:8080/echo", &websocket.DialOptions{Subprotocols: []string{"chat.v1"}})
	if err != nil {
		println(err.Error())
		return
	}
	c.Write(ctx, websocket.MessageText, []byte("hello"))
	if _, b, err := c.Read(ctx); err == nil {
		println(string(b))
	}
	c.Close(websocket.StatusNormalClosure, "bye")
}
`
