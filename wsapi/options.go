package wsapi

import "time"

// Options are the settings of NewWithOptions. The type is the same on every
// platform, so code that builds Options compiles everywhere; the fields
// marked "native only" name things a browser's WebSocket cannot do, and
// setting one in the browser makes NewWithOptions return an error wrapping
// ErrNotSupported.
type Options struct {
	// Protocols are the subprotocols offered, most preferred first, as the
	// second argument of `new WebSocket(url, protocols)`. Defaults to none.
	Protocols []string

	// Header adds HTTP headers to the handshake request (an http.Header
	// converts as it is). Native only. Defaults to none.
	Header map[string][]string

	// Origin sets the Origin header, which the browser sets to the page's
	// origin. Native only. Defaults to none, as a non-browser client.
	Origin string

	// HTTPClient makes the handshake; its Transport decides proxies, TLS
	// and dialing. Native only: it is net/http's Client there, and an
	// empty stand-in in the browser build, which does not link net/http.
	// It must not set a Timeout (use the context of the Wait methods).
	// Defaults to a client on http.DefaultTransport.
	HTTPClient *HTTPClient

	// TLSConfig is used for wss when HTTPClient is nil, for example to
	// trust a private CA through RootCAs. Native only: it is crypto/tls's
	// Config there, and an empty stand-in in the browser build. Defaults
	// to the system's roots.
	TLSConfig *TLSConfig

	// ReadLimit is the largest message accepted, in bytes; a larger one
	// fails the connection (error, then close 1006, as the browser fails
	// a connection) and the peer gets close 1009. Native only. Defaults to
	// 0: no limit, as in the browser.
	ReadLimit int64

	// DisableCompression stops the client from offering permessage-deflate,
	// which it offers by default exactly as Chrome does. Native only.
	// Defaults to false.
	DisableCompression bool

	// CloseTimeout bounds the closing handshake: once Close was called, or
	// the server's close frame was answered, a connection still open after
	// this long is cut, and the close event is 1006, not clean, without an
	// error, as Chrome reports its own timeout. Native only. Defaults to
	// 60s, Chrome's closing handshake timeout.
	CloseTimeout time.Duration

	// PingInterval makes the client ping the server this often while the
	// connection is open, and cut it (close 1006, not clean, no error)
	// when a pong takes longer than PingTimeout: the way to notice a
	// server gone silent without closing TCP. The browser sends no pings
	// the page can ask for. Native only. Defaults to 0: no pings.
	PingInterval time.Duration

	// PingTimeout is how long a pong may take; see PingInterval. Native
	// only. Defaults to PingInterval.
	PingTimeout time.Duration
}

// clone copies o so that the caller may change or reuse it, and fills the
// defaults: a nil Options is the zero Options.
func (o *Options) clone() *Options {
	if o == nil {
		return &Options{}
	}
	c := *o
	c.Protocols = append([]string(nil), o.Protocols...)
	return &c
}
