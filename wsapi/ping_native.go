//go:build !js

package wsapi

import (
	"context"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// startPing pings the server every Options.PingInterval while the
// connection is open, and cuts the connection when a pong does not come
// within Options.PingTimeout: a peer that went silent without a FIN (a
// dead NAT entry, a pulled cable) is then noticed, as the read loop alone
// never would. The read loop ends on the cut, and the close event is 1006,
// not clean, with no error event, as for any connection the network ended.
// The returned func stops the pinger and waits for it.
func (t *nativeTransport) startPing(conn *websocket.Conn) (stop func()) {
	if t.pingInterval <= 0 {
		return func() {}
	}
	timeout := t.pingTimeout
	if timeout <= 0 {
		timeout = t.pingInterval
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(t.pingInterval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			err := conn.Ping(ctx)
			cancel()
			select {
			case <-done:
				return
			default:
			}
			if err != nil {
				t.tap.cut()
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
