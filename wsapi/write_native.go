//go:build !js

package wsapi

import (
	"context"
	"unsafe"

	"github.com/coder/websocket"
)

// write sends the queue in order until the close frame or a failure. It
// takes the whole queue at once, and gives the writer's previous batch, now
// empty, in its place: the two arrays take turns, so a steady stream of
// sends allocates nothing for the queue.
func (t *nativeTransport) write(conn *websocket.Conn) {
	defer close(t.writerDone)
	var batch []outgoing
	for {
		t.mu.Lock()
		t.writing = false
		for len(t.out) == 0 && !t.stop {
			t.mu.Unlock()
			<-t.wake
			t.mu.Lock()
		}
		if len(t.out) == 0 {
			t.mu.Unlock()
			return
		}
		batch, t.out = t.out, batch[:0]
		t.writing = true
		t.mu.Unlock()

		for i := range batch {
			m := batch[i]
			batch[i] = outgoing{}
			if m.isClose {
				// Between two of coder's frames; an error means the
				// connection is gone, which the reader sees too.
				_ = t.tap.inject(m.code, m.text, true)
				return
			}
			data, n := m.data, len(m.data)
			if m.typ == Text {
				// coder/websocket only reads what it is given: it
				// masks a copy, in its own buffer.
				data, n = unsafe.Slice(unsafe.StringData(m.text), len(m.text)), len(m.text)
			}
			if err := writeMessage(conn, websocket.MessageType(m.typ), data, t.hs.compressMax); err != nil {
				// The reader sees the broken connection too and
				// reports it; what is still queued stays counted,
				// as in the browser.
				t.mu.Lock()
				t.closing = true
				t.mu.Unlock()
				return
			}
			if !m.handedOver {
				t.buffered.wrote(n)
			}
			if t.drainWant.Load() {
				t.signalDrained()
			}
		}
		if cap(batch) > maxBatchKeep {
			batch = nil // a burst is over: let its array go
		}
	}
}

// writeMessage writes one message, compressed by coder/websocket's rule
// unless it is longer than compressMax (when not 0), the longest message
// the server's window allows the client to compress. coder decides by the
// first Write of a message whether to compress it all: an empty first
// Write keeps it plain, in two frames and an empty final one.
func writeMessage(conn *websocket.Conn, typ websocket.MessageType, data []byte, compressMax int) error {
	ctx := context.Background()
	if compressMax == 0 || len(data) <= compressMax {
		return conn.Write(ctx, typ, data)
	}
	w, err := conn.Writer(ctx, typ)
	if err != nil {
		return err
	}
	if _, err := w.Write(nil); err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	return w.Close()
}

// maxBatchKeep is the most entries the writer's arrays keep between bursts.
const maxBatchKeep = 1024

func (t *nativeTransport) signal() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

func (t *nativeTransport) sendText(s string) { t.queue(outgoing{typ: Text, text: s}, len(s)) }

func (t *nativeTransport) sendBinary(b []byte) {
	t.queue(outgoing{typ: Binary, data: append([]byte(nil), b...)}, len(b))
}

func (t *nativeTransport) queue(m outgoing, n int) {
	t.buffered.add(n)
	t.mu.Lock()
	if t.closing {
		t.mu.Unlock()
		return
	}
	m.handedOver = !t.writing && len(t.out) == 0 && n <= handOverMax
	t.out = append(t.out, m)
	t.mu.Unlock()
	if m.handedOver {
		t.buffered.wrote(n)
	}
	t.signal()
}

// handOverMax is the largest message that leaves bufferedAmount as soon as
// it is sent, when the writer is idle. Chrome's send hands the message at
// once to its network service, through a pipe of a few tens of KiB, and
// bufferedAmount falls by what the pipe took from the next task on, however
// long the network then takes; so a small message sent from one handler is
// no longer counted in the next, though the echo of an earlier one may
// have been waiting. Here the idle writer is the pipe.
const handOverMax = 64 << 10

func (t *nativeTransport) bufferedAmount() uint64 { return t.buffered.amount() }

func (t *nativeTransport) beginTask() { t.buffered.begin() }

func (t *nativeTransport) endTask() { t.buffered.end() }

func (t *nativeTransport) yieldTask() { t.buffered.yield() }
