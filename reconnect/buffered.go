package reconnect

import (
	"context"
	"strconv"

	"github.com/go-wsapi/wsapi/wsapi"
)

// WaitBufferedAmount waits until BufferedAmount, the queue for the next
// open included, is at most max, as wsapi.WebSocket.WaitBufferedAmount
// does, across reconnections: while the socket reconnects it waits for
// the next open, which hands the queue to the connection. It returns nil
// at once when the amount is low enough; an error wrapping ctx's error
// when ctx ends first; and Err's error when the socket is done with more
// than max still counted.
func (s *Socket) WaitBufferedAmount(ctx context.Context, max uint64) error {
	for {
		s.mu.Lock()
		st, queued, sig := s.state, uint64(s.queuedBytes)+s.lateBytes, s.openSig
		var ws *wsapi.WebSocket
		if s.cur != nil {
			ws = s.cur.ws
		}
		s.mu.Unlock()
		n := queued
		if ws != nil {
			n += ws.BufferedAmount()
		}
		switch {
		case n <= max:
			return nil
		case ctx.Err() != nil:
			return wrap("reconnect: failed to wait for "+strconv.FormatUint(n, 10)+" buffered bytes to fall to "+strconv.FormatUint(max, 10), ctx.Err())
		case st == wsapi.Open && queued <= max:
			// The connection's own wait; if the connection ends first,
			// look again at the next one.
			err := ws.WaitBufferedAmount(ctx, max-queued)
			if err == nil || ctx.Err() != nil {
				return err
			}
			select {
			case <-ws.Done():
			case <-ctx.Done():
			}
		case st == wsapi.Closed:
			s.Done()
			<-s.done
			return s.Err()
		default:
			// Connecting, or closing: the next open, or the end.
			select {
			case <-sig:
			case <-s.done:
			case <-ctx.Done():
			}
		}
	}
}
