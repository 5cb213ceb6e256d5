// Package wsapitest runs a package's tests on the three runtimes that
// package wsapi serves: natively, in Node and in headless Chromium, from
// one go test.
//
// A native test calls Run. Run re-runs the package's tests compiled with
// GOOS=js GOARCH=wasm, once per runtime, each as a subtest: Node through
// $GOROOT/lib/wasm/wasm_exec_node.js, Chromium through chromerun, the
// go test -exec runner of this repository:
//
//	go install github.com/go-wsapi/wsapi/cmd/chromerun@latest
//
// The tests themselves are ordinary tests in files with no build tag. A
// test that needs a server reads its URL from an environment variable,
// and starts the server itself when the variable is empty: natively, that
// is every run; in js/wasm, the variable is set by the native test that
// called Run, which started the server and passed its URL in
// Options.Env. Serve does just that, and Handler makes the server: an
// echo server, or one that sends given messages and closes, the same for
// every runtime. Every runtime gets the whole environment of the native
// test (Node and chromerun both pass it on), plus Options.Env and the
// runtime's own Env.
//
// What each run prints is forwarded to the subtest's output (go test -v
// shows it as it comes; otherwise it is shown when the subtest fails). A
// failing or panicking wasm test fails the subtest with the wasm test's
// own message. A runtime that is missing (node, chromerun, or the
// Chromium that chromerun drives) skips its subtest with a message that
// says what to install, unless the environment variable CI is set, where
// it fails the subtest.
//
// # Browser pitfalls
//
//   - The page that chromerun serves has an Origin, http://127.0.0.1:port
//     with a port of its own; natively and in Node a WebSocket sends none.
//     A server that checks the Origin (coder/websocket's Accept does, by
//     default) refuses the browser's handshake with 403: allow the
//     pattern "127.0.0.1:*" in tests, or read the exact Origin from
//     $CHROMERUN_ORIGIN inside the wasm test.
//   - Chrome refuses to connect to some ports (6000, 6665-6669, 10080 and
//     others it deems unsafe) with no request sent. httptest servers use
//     ephemeral ports and never hit them; a fixed port might.
package wsapitest
