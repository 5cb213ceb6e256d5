package wsapi

import (
	"fmt"
	"time"
)

// WaitQueued blocks until ws holds at least n undelivered events, so that a
// test can set its handlers only after the events happened. It polls: in
// the browser the sleep is what lets the JS event loop deliver them.
func WaitQueued(ws *WebSocket, n int) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ws.mu.Lock()
		q := ws.queueLen()
		ws.mu.Unlock()
		if q >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d events queued after 10s", q, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// QueuedBytes is the bytes of received messages waiting for dispatch.
func QueuedBytes(ws *WebSocket) int {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return ws.queuedBytes
}

// MaxQueuedBytes is the native reader's high-water mark.
const MaxQueuedBytes = maxQueuedBytes
