//go:build js

package wsapitest

import "net/http"

// Handler answers 501 in js/wasm, where no test can listen: the native
// test serves the script, and passes its URL to the js/wasm runs.
func Handler(s Script) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "wsapitest.Handler: no WebSocket server in js/wasm", http.StatusNotImplemented)
	})
}
