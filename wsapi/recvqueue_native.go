//go:build !js

package wsapi

// maxQueuedBytes is how many bytes of received messages may wait for their
// handler before the native reader stops reading: the peer is then slowed
// by TCP's own flow control, as a browser slows a sender its page does not
// keep up with, instead of the queue growing without bound. A message larger
// than this still goes through, alone.
const maxQueuedBytes = 1 << 20

// waitRoom blocks the native reader while the queue holds more than
// maxQueuedBytes, until the dispatcher catches up or Close is called. The
// browser backend never calls it: a JS callback must not block.
func (ws *WebSocket) waitRoom() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for ws.queuedBytes > maxQueuedBytes && !ws.closeCalled && !ws.terminal {
		ws.room.Wait()
	}
}
