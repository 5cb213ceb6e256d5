//go:build !js

package wstest

import (
	"net"
	"testing"
)

// SilentProxy forwards TCP connections to a target until Freeze is
// called; from then on it reads and drops what either side sends and
// sends nothing, without closing: a peer gone without a FIN, as behind a
// NAT that forgot the flow.
type SilentProxy struct {
	*forwarder
	frozen bool // under mu
}

// StartSilentProxy listens on 127.0.0.1 and forwards what it accepts to
// target (host:port). The test's cleanup closes the listener and every
// connection, and waits for the proxy's goroutines.
func StartSilentProxy(t testing.TB, target string) *SilentProxy {
	t.Helper()
	p := &SilentProxy{}
	p.forwarder = forward(t, target, func(f *forwarder, dst, src net.Conn) { p.pipe(f, dst, src) })
	return p
}

// pipe copies from src to dst while not frozen, and drops after.
func (p *SilentProxy) pipe(f *forwarder, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		f.mu.Lock()
		frozen := p.frozen
		f.mu.Unlock()
		if !frozen {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
	}
}

// Freeze stops the forwarding, in both directions, for good.
func (p *SilentProxy) Freeze() {
	p.mu.Lock()
	p.frozen = true
	p.mu.Unlock()
}
