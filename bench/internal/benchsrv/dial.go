//go:build !js

package benchsrv

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/coder/websocket"
)

// Dialer opens client connections from a set of loopback source
// addresses in turn. Each address has its own range of ephemeral ports
// (/proc/sys/net/ipv4/ip_local_port_range, 28,000 by default), so many
// of them hold tens of thousands of connections, and connections still in
// TIME_WAIT from an earlier run do not get in the way. Linux routes all of
// 127.0.0.0/8 to the loopback device with no set-up.
type Dialer struct {
	clients []*http.Client
	next    atomic.Uint64
}

// NewDialer returns a Dialer over the source addresses 127.0.0.first to
// 127.0.0.(first+n-1). A receive buffer above zero sets SO_RCVBUF (the
// kernel doubles it) before the connection is made, so that the window
// the client offers stays that small.
func NewDialer(first, n int, receiveBuffer int) *Dialer {
	d := &Dialer{}
	for i := range n {
		nd := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(first+i))}}
		if receiveBuffer > 0 {
			nd.Control = func(network, address string, c syscall.RawConn) error {
				var serr error
				err := c.Control(func(fd uintptr) {
					serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, receiveBuffer)
				})
				if err != nil {
					return err
				}
				return serr
			}
		}
		d.clients = append(d.clients, &http.Client{Transport: &http.Transport{
			DialContext:       nd.DialContext,
			DisableKeepAlives: true,
		}})
	}
	return d
}

// AddrsFor is how many source addresses n connections want: each address
// used for at most a third of its ephemeral ports, so that sockets in
// TIME_WAIT from a run just before never get in the way.
func AddrsFor(n int) int {
	ports := 60999 - 32768 + 1 // Linux's default range
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		var lo, hi int
		if _, err := fmt.Sscan(string(b), &lo, &hi); err == nil && hi >= lo {
			ports = hi - lo + 1
		}
	}
	return max(1, (3*n+ports-1)/ports)
}

// HTTPClient returns the HTTP client of the next source address, for a
// WebSocket client other than coder/websocket's Dial.
func (d *Dialer) HTTPClient() *http.Client {
	return d.clients[int(d.next.Add(1)-1)%len(d.clients)]
}

// Dial opens a WebSocket to url, uncompressed, with no read limit.
func (d *Dialer) Dial(ctx context.Context, url string) (*websocket.Conn, error) {
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: d.HTTPClient()})
	if err != nil {
		return nil, fmt.Errorf("failed to dial %s: %w", url, err)
	}
	c.SetReadLimit(-1)
	return c, nil
}
