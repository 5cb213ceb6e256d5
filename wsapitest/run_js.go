//go:build js

package wsapitest

import "testing"

// Run skips t: in js/wasm, this run is one of the runs that the native
// Run started.
func Run(t *testing.T, opts *Options) {
	t.Helper()
	t.Skip("wsapitest.Run: already in js/wasm")
}
