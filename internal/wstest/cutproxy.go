//go:build !js

package wstest

import (
	"net"
	"sync"
	"testing"
)

// CutProxy forwards TCP connections to a target, and Cut closes those it
// holds at once, both ways, with no close frame: a link that breaks, as
// when a phone changes networks. New connections are forwarded as before.
type CutProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	target string
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// StartCutProxy listens on 127.0.0.1 and forwards what it accepts to
// target (host:port). The test's cleanup closes the listener and every
// connection, and waits for the proxy's goroutines.
func StartCutProxy(t testing.TB, target string) *CutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &CutProxy{ln: ln, conns: map[net.Conn]bool{}, target: target}
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			to := p.target
			p.mu.Unlock()
			up, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			p.wg.Go(func() { p.pipe(up, c) })
			p.wg.Go(func() { p.pipe(c, up) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		p.Cut()
		p.wg.Wait()
	})
	return p
}

// pipe copies src to dst until either fails, then closes both.
func (p *CutProxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err == nil {
			_, err = dst.Write(buf[:n])
		}
		if err != nil {
			p.drop(dst)
			p.drop(src)
			return
		}
	}
}

func (p *CutProxy) drop(c net.Conn) {
	c.Close()
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

// Cut closes every connection the proxy holds now.
func (p *CutProxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Retarget sends the connections accepted from now on to target: the same
// address for the client, another server behind it.
func (p *CutProxy) Retarget(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}

// Addr is the proxy's address, host:port.
func (p *CutProxy) Addr() string { return p.ln.Addr().String() }
