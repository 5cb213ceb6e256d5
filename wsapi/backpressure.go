package wsapi

import (
	"context"
	"errors"
	"strconv"
)

// WaitBufferedAmount waits until BufferedAmount is at most max, so that a
// sender can keep what it queues bounded: Send never blocks, as in the
// browser, and a loop of sends to a slow peer would otherwise queue without
// end. It returns nil at once when the amount is already low enough; an
// error wrapping ctx's error when ctx ends first; and, when the socket
// closed with more than max still counted (bytes sent after a close are
// never written, as the browser counts them), Err's error.
//
// Natively it wakes when the writer has written a message. In the browser,
// which fires no event when bufferedAmount falls, it looks again in a task
// of its own 16 times, then after 1, 2, 4, 8, then every 16 milliseconds:
// the event loop runs in between, and a socket that drains at once costs
// no timer.
func (ws *WebSocket) WaitBufferedAmount(ctx context.Context, max uint64) error {
	if ctx == nil {
		return errors.New("wsapi: failed to wait for the buffered amount of " + ws.url + " to fall to " + strconv.FormatUint(max, 10) + ": nil context")
	}
	// Waiting is yielding: a handler that waits sees the writer's
	// progress, as a Go handler that blocks in the browser lets the
	// browser's tasks run.
	ws.tr.yieldTask()
	if ws.tr.bufferedAmount() <= max {
		return nil // no timer in the browser for the common case
	}
	for attempt := 0; ; attempt++ {
		// The signal is taken before the amount is read, so that a
		// write in between is not missed.
		sig := ws.tr.drained(attempt)
		ws.tr.yieldTask()
		if ws.tr.bufferedAmount() <= max {
			return nil
		}
		select {
		case <-sig:
		case <-ws.done:
			ws.tr.yieldTask()
			if ws.tr.bufferedAmount() <= max {
				return nil
			}
			return ws.Err()
		case <-ctx.Done():
			return wrap("wsapi: failed to wait for the buffered amount of "+ws.url+" to fall to "+strconv.FormatUint(max, 10), ctx.Err())
		}
	}
}
