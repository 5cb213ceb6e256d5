//go:build js && wasm

package wsapi

import "time"

// maxQueuedBytes is not a limit in the browser: its WebSocket hands over
// messages as they come, and a JS callback may not block to slow it down.
const maxQueuedBytes = 1 << 62

// drained returns a channel closed after a wait that grows with attempt
// (1, 2, 4, 8, then 16 ms): the browser fires no event when bufferedAmount
// falls, so WaitBufferedAmount looks again, and the event loop runs in
// between. A timer's function, not its channel: see now in dispatch.go.
func (t *jsTransport) drained(attempt int) <-chan struct{} {
	ch := make(chan struct{})
	time.AfterFunc(time.Millisecond<<min(attempt, 4), func() { close(ch) })
	return ch
}
