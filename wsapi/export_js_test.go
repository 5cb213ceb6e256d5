//go:build js && wasm

package wsapi

// UsesJSHelper reports whether sockets move their messages through the
// JavaScript helper (jsFastPath), which a page whose Content-Security-Policy
// forbids eval does not allow.
func UsesJSHelper() bool { return !newFastPath().IsUndefined() }
