//go:build js && wasm

package wsapi

// HTTPClient stands in for net/http's Client, which the browser build does
// not link: the browser makes the handshake itself. Setting
// Options.HTTPClient in the browser is an error.
type HTTPClient struct{}

// TLSConfig stands in for crypto/tls's Config, which the browser build does
// not link: the browser's own trust store decides. Setting Options.TLSConfig
// in the browser is an error.
type TLSConfig struct{}
