package protocoltest

import (
	"encoding/json"
	"strings"
)

// JSString quotes s as JavaScript's JSON.stringify does: the traces
// recorded in a browser quote strings so, and a trace made here must match
// them byte for byte. It is the one file of the package without a build
// tag, so that the scenario tests, which run in js/wasm too, quote as the
// protocol traces do.
func JSString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
