//go:build js && wasm

package convtest

import "net/http"

// handler is nil: in js/wasm, where a test cannot listen,
// wsapitest.Serve returns the server that the native run started.
func handler() http.Handler { return nil }

// goroutines and checkLeaks have nothing to check in a JS runtime: the
// native run checks the same code.
func goroutines() int { return 0 }

func checkLeaks(int) int { return 0 }
