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

// nativeOnly returns an error wrapping ErrNotSupported naming the first
// native-only field that is set, for the browser backend.
func (o *Options) nativeOnly() error {
	var field string
	switch {
	case len(o.Header) > 0:
		field = "Header"
	case o.Origin != "":
		field = "Origin"
	case o.HTTPClient != nil:
		field = "HTTPClient"
	case o.TLSConfig != nil:
		field = "TLSConfig"
	case o.ReadLimit != 0:
		field = "ReadLimit"
	case o.DisableCompression:
		field = "DisableCompression"
	case o.CloseTimeout != 0:
		field = "CloseTimeout"
	case o.PingInterval != 0:
		field = "PingInterval"
	case o.PingTimeout != 0:
		field = "PingTimeout"
	default:
		return nil
	}
	return wrap("option "+field+" cannot be honoured by the browser's WebSocket", ErrNotSupported)
}
