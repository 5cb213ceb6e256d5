//go:build !js

package wsnet_test

import (
	"context"
	"fmt"
	"net/rpc"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsnet"
)

// The examples are native only: in a browser, go test cannot check an
// example's output (the testing package captures standard output in a
// temporary file, and a browser has no file system), and no test can
// start a server. The tests run the same calls on all three runtimes.
//
// The server's /rpc serves net/rpc over coder/websocket's own
// net.Conn: Arith.Mul multiplies.

// A Conn carries a stream protocol, here net/rpc, in binary messages; the
// same code runs in the browser.
func ExampleNew() {
	url, stop := convtest.Start("/rpc")
	defer stop()

	ws, err := wsapi.Dial(context.Background(), url, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := wsnet.New(ws, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := rpc.NewClient(conn)
	var product int
	err = client.Call("Arith.Mul", convtest.Args{A: 6, B: 7}, &product)
	fmt.Println(product, err)
	client.Close() // closes conn, and so the socket, with 1000
	<-ws.Done()
	ev, _ := ws.CloseEvent()
	fmt.Println(ev)
	// Output:
	// 42 <nil>
	// 1000 Normal Closure "" (clean)
}
