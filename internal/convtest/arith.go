// Package convtest is the test server of the subpackages wsread, wsnet and
// wsjson: an echo, a scripted pusher, and two stream protocols (net/rpc and
// HTTP/1.1) spoken over coder/websocket's own net.Conn, so that wsnet's is
// held to a real peer. The server is native; Arith, the RPC service, is
// shared with the clients of every runtime.
package convtest

import "errors"

// Arith is the net/rpc service that /rpc serves.
type Arith struct{}

// Args are Arith's arguments.
type Args struct{ A, B int }

// Mul sets reply to A*B.
func (Arith) Mul(args Args, reply *int) error {
	*reply = args.A * args.B
	return nil
}

// Div sets reply to A/B, and fails for a B of 0, so that an error crosses
// the stream too.
func (Arith) Div(args Args, reply *int) error {
	if args.B == 0 {
		return errors.New("divide by zero")
	}
	*reply = args.A / args.B
	return nil
}

// EnvVar names the variable that carries the server's base URL (ws://...)
// to the js/wasm runs of a package's tests.
const EnvVar = "WSAPI_CONVTEST_SERVER"
