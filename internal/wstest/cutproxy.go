//go:build !js

package wstest

import (
	"net"
	"testing"
)

// CutProxy forwards TCP connections to a target, and Cut closes those it
// holds at once, both ways, with no close frame: a link that breaks, as
// when a phone changes networks. New connections are forwarded as before.
type CutProxy struct{ *forwarder }

// StartCutProxy listens on 127.0.0.1 and forwards what it accepts to
// target (host:port). The test's cleanup closes the listener and every
// connection, and waits for the proxy's goroutines.
func StartCutProxy(t testing.TB, target string) *CutProxy {
	t.Helper()
	return &CutProxy{forward(t, target, cutPipe)}
}

// cutPipe copies src to dst until either fails, then closes both.
func cutPipe(f *forwarder, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err == nil {
			_, err = dst.Write(buf[:n])
		}
		if err != nil {
			f.drop(dst)
			f.drop(src)
			return
		}
	}
}

// Cut closes every connection the proxy holds now.
func (p *CutProxy) Cut() { p.closeAll() }

// Retarget sends the connections accepted from now on to target: the same
// address for the client, another server behind it.
func (p *CutProxy) Retarget(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}
