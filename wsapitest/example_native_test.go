//go:build !js

package wsapitest_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// A scripted server sends its messages, then closes; a client sees the
// same events on every runtime.
func ExampleHandler() {
	srv := httptest.NewServer(wsapitest.Handler(wsapitest.Script{
		Send:      []string{"hello", "world"},
		CloseCode: 4000, CloseReason: "done",
	}))
	defer srv.Close()

	ws, err := wsapi.New(wsapitest.WebSocketURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ws.OnMessage(func(m wsapi.MessageEvent) { fmt.Println("message", m.Text()) })
	ws.OnClose(func(ce wsapi.CloseEvent) { fmt.Println("close", ce.Code, ce.Reason) })
	<-ws.Done()
	// Output:
	// message hello
	// message world
	// close 4000 done
}
