//go:build !js

// Command convserver runs the test server of wsread, wsnet and wsjson until
// interrupted, for running their js/wasm tests by hand:
//
//	eval $(go run ./internal/convtest/cmd/convserver &)
//	GOOS=js GOARCH=wasm go test -exec="node --experimental-websocket $(go env GOROOT)/lib/wasm/wasm_exec_node.js" ./wsread
//
// It prints WSAPI_CONVTEST_SERVER=..., ready for a shell's export.
package main

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"

	"github.com/go-wsapi/wsapi/internal/convtest"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s=ws://%s\n", convtest.EnvVar, ln.Addr())
	go http.Serve(ln, convtest.Handler())
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	<-c
}
