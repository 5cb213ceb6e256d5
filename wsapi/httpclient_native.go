//go:build !js

package wsapi

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// handshakeClient returns the HTTP client for the handshake: its transport
// is hs, on the transport of Options.HTTPClient or one without keep-alives.
func handshakeClient(o *Options, hs *handshake) (*http.Client, error) {
	var c http.Client
	if o.HTTPClient != nil {
		if o.HTTPClient.Timeout != 0 {
			return nil, fmt.Errorf("option HTTPClient has Timeout %v: it would cut the connection after the handshake; use the context of WaitOpen", o.HTTPClient.Timeout)
		}
		c = *o.HTTPClient
	}
	hs.base = c.Transport
	if hs.base == nil {
		hs.own = true
		hs.base = handshakeTransport()
		if o.TLSConfig != nil {
			tr := handshakeTransport().Clone()
			tr.TLSClientConfig = o.TLSConfig.Clone()
			hs.base = tr
		}
	}
	c.Transport = hs
	// Chrome fails a handshake answered with a redirect; following one
	// would also carry the handshake's headers elsewhere, from wss to ws
	// even. hs refuses every status but 101 already; this says it twice.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c, nil
}

// handshakeTransport is http.DefaultTransport without keep-alives: like
// Chrome, every socket gets a connection of its own, and a refused handshake
// leaves no idle connection behind.
var handshakeTransport = sync.OnceValue(func() *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if slot, ok := ctx.Value(dialedKey{}).(*dialed); ok && err == nil {
			slot.conn = c
		}
		return c, err
	}
	return tr
})

// dialed is where the handshake transport leaves the connection it dialed
// for a handshake's request, found in the request's context: the frame tap
// may then write to its socket directly (tryWrite). Without keep-alives,
// the connection dialed for a request is the one its response comes on.
type dialed struct{ conn net.Conn }

type dialedKey struct{}
