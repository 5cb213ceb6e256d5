//go:build !js

package wsapi

import (
	"context"
	"unsafe"

	"github.com/coder/websocket"
)

// write sends the queue in order until it is empty, the close frame, or a
// failure. It runs only while there is something to write: queue starts it,
// and it returns once the queue is empty, so an idle socket holds no writer.
// It takes the whole queue at once, and gives the previous batch, now
// empty, in its place: the two arrays take turns, so a steady stream of
// sends allocates nothing for the queue.
func (t *nativeTransport) write() {
	defer t.writers.Done()
	t.mu.Lock()
	batch := t.spare
	t.spare = nil
	for {
		if t.spilled {
			// An inline send's rest goes first.
			t.spilled = false
			t.mu.Unlock()
			if err := t.tap.flush(); err != nil {
				t.mu.Lock()
				t.closing = true
				t.mu.Unlock()
				return
			}
			t.mu.Lock()
		}
		if len(t.out) == 0 {
			t.writing = false
			if cap(batch) <= maxBatchKeep {
				t.spare = batch[:0]
			}
			t.mu.Unlock()
			return
		}
		batch, t.out = t.out, batch[:0]
		t.mu.Unlock()

		for i := range batch {
			m := batch[i]
			batch[i] = outgoing{}
			if m.isClose {
				// Between two of coder's frames; an error means the
				// connection is gone, which the reader sees too.
				// Nothing follows a close frame: the writer stays
				// marked as running, so that none starts again.
				_ = t.tap.inject(m.code, m.text, true)
				return
			}
			if err := t.writeOne(m); err != nil {
				// The reader sees the broken connection too and
				// reports it; what is still queued stays counted,
				// as in the browser.
				t.mu.Lock()
				t.closing = true
				t.mu.Unlock()
				return
			}
		}
		if cap(batch) > maxBatchKeep {
			batch = nil // a burst is over: let its array go
		}
		t.mu.Lock()
	}
}

// writeOne writes one message and counts it written.
func (t *nativeTransport) writeOne(m outgoing) error {
	data, n := m.data, len(m.data)
	if m.typ == Text {
		// coder/websocket only reads what it is given: it masks a
		// copy, in its own buffer.
		data, n = unsafe.Slice(unsafe.StringData(m.text), len(m.text)), len(m.text)
	}
	if err := writeMessage(t.conn, websocket.MessageType(m.typ), data, t.hs.compressMax); err != nil {
		return err
	}
	if !m.handedOver {
		t.buffered.wrote(n)
	}
	if t.drainWant.Load() {
		t.signalDrained()
	}
	return nil
}

// startWriterLocked starts the writer when there is something to write
// and none runs, unless the reader is done and waited for it already.
func (t *nativeTransport) startWriterLocked() {
	if !t.stop {
		t.runWriterLocked()
	}
}

// runWriterLocked starts the writer when there is something to write and
// none runs. After stopWriter, only an inline send may: it holds a count of
// t.writers, which stopWriter is waiting for, and hands the rest of its
// work, a close frame queued meanwhile say, to the writer it starts.
func (t *nativeTransport) runWriterLocked() {
	if t.writing || len(t.out) == 0 && !t.spilled {
		return
	}
	t.writing = true
	t.writers.Add(1)
	go t.writeFn()
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

func (t *nativeTransport) sendText(s string) { t.send(outgoing{typ: Text, text: s}, len(s)) }

// sendBinary's b stays the caller's: a send written inline needs no copy,
// a queued one gets one.
func (t *nativeTransport) sendBinary(b []byte) { t.send(outgoing{typ: Binary, data: b}, len(b)) }

// send writes m inline when the writer is idle and m is small enough to be
// handed over (see handOverMax), and queues it for the writer otherwise.
// Inline, the tap writes what the kernel takes at once and keeps the rest
// for the writer (see frameTap.beginTry), so a send never waits for the
// network, and a message the kernel takes whole costs no goroutine.
func (t *nativeTransport) send(m outgoing, n int) {
	t.buffered.add(n)
	t.mu.Lock()
	if t.closing || t.stop {
		// A close frame is queued, or the reader is done and no
		// writer starts again: the message can never go out. It stays
		// counted, as in the browser, and is not kept.
		t.mu.Unlock()
		return
	}
	m.handedOver = !t.writing && len(t.out) == 0 && n <= handOverMax
	if m.handedOver && !t.backlog.Load() && t.tap.beginTry() {
		// This goroutine is the writer until the message is out.
		t.writing = true
		t.writers.Add(1)
		t.mu.Unlock()
		t.buffered.wrote(n)
		err := t.writeOne(m)
		spilled := t.tap.endTry()
		t.mu.Lock()
		if err != nil {
			t.closing = true // as the writer does; the writer stays marked
		} else {
			t.writing = false
			t.spilled = spilled
			t.runWriterLocked()
		}
		t.mu.Unlock()
		t.writers.Done()
		return
	}
	if m.typ == Binary {
		m.data = append([]byte(nil), m.data...)
	}
	t.out = append(t.out, m)
	t.startWriterLocked()
	t.mu.Unlock()
	if m.handedOver {
		t.buffered.wrote(n)
	}
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
