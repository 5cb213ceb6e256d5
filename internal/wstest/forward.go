//go:build !js

package wstest

import (
	"net"
	"sync"
	"testing"
)

// forwarder is what CutProxy and SilentProxy share: it accepts TCP
// connections on 127.0.0.1 and forwards each to the target of the moment,
// with relay copying each direction, until the test ends.
type forwarder struct {
	ln     net.Listener
	mu     sync.Mutex // guards target and conns, and the proxies' own state
	target string
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

// forward listens on 127.0.0.1 and forwards what it accepts to target
// (host:port): relay(f, up, c) copies the client's bytes to the target,
// relay(f, c, up) the target's to the client. The test's cleanup closes
// the listener and every connection, and waits for the goroutines.
func forward(t testing.TB, target string, relay func(f *forwarder, dst, src net.Conn)) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{ln: ln, target: target, conns: map[net.Conn]bool{}}
	f.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			to := f.target
			f.mu.Unlock()
			up, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			f.mu.Lock()
			f.conns[c], f.conns[up] = true, true
			f.mu.Unlock()
			f.wg.Go(func() { relay(f, up, c) })
			f.wg.Go(func() { relay(f, c, up) })
		}
	})
	t.Cleanup(func() {
		ln.Close()
		f.closeAll()
		f.wg.Wait()
	})
	return f
}

// closeAll closes every connection the forwarder holds now.
func (f *forwarder) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
	clear(f.conns)
}

// drop closes c and forgets it.
func (f *forwarder) drop(c net.Conn) {
	c.Close()
	f.mu.Lock()
	delete(f.conns, c)
	f.mu.Unlock()
}

// Addr is the proxy's address, host:port.
func (f *forwarder) Addr() string { return f.ln.Addr().String() }
