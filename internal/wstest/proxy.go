//go:build !js

package wstest

import (
	"net"
	"sync"
	"testing"
)

// SilentProxy forwards TCP connections to a target until Freeze is
// called; from then on it reads and drops what either side sends and
// sends nothing, without closing: a peer gone without a FIN, as behind a
// NAT that forgot the flow.
type SilentProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

// StartSilentProxy listens on 127.0.0.1 and forwards what it accepts to
// target (host:port). The test's cleanup closes the listener and every
// connection, and waits for the proxy's goroutines.
func StartSilentProxy(t testing.TB, target string) *SilentProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &SilentProxy{ln: ln}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			p.wg.Go(func() { p.pipe(up, c) })
			p.wg.Go(func() { p.pipe(c, up) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// pipe copies from src to dst while not frozen, and drops after.
func (p *SilentProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		p.mu.Lock()
		frozen := p.frozen
		p.mu.Unlock()
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

// Addr is the proxy's address, host:port.
func (p *SilentProxy) Addr() string { return p.ln.Addr().String() }
