//go:build js && wasm

package convtest

import "net/http"

// handler is nil: in js/wasm, where a test cannot listen,
// wsapitest.Serve returns the server that the native run started.
func handler() http.Handler { return nil }
