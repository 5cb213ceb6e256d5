//go:build !js

package wsapi

import (
	"context"
	"io"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// readLoop delivers messages until the connection ends, then ends it (see
// endRead), or until reading goes to another goroutine while this one runs
// a handler (see deliverHere).
func (t *nativeTransport) readLoop() {
	conn := t.conn
	for {
		typ, data, err := t.readMessage(conn)
		if err != nil {
			t.endRead(err)
			return
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			t.tap.setFailure(errTextUTF8)
			t.endRead(nil)
			return
		}
		t.delivered++
		if b := t.tap.finals > t.delivered; b != t.backlog.Load() {
			t.backlog.Store(b)
		}
		reading, full := t.receive(MessageType(typ), data)
		if !reading {
			return
		}
		if full {
			t.ws.waitRoom()
		}
	}
}

// endRead ends the connection as Chrome would, once reading is over, and
// reports the close event, with the cause when the connection failed. No
// goroutine of the socket's outlives it.
func (t *nativeTransport) endRead(err error) {
	t.rbuf = nil
	t.turn.Store(turnDone)
	if tm := t.handOffTimer.Load(); tm != nil {
		tm.Stop()
	}
	ce, cause := t.end(err)
	t.stopTimer()
	t.tap.cut()
	t.stopWriter()
	t.conn.CloseNow()
	t.stopPing()
	if cause != nil {
		t.ws.emitClose(ce, connectionError(t.ws.url, cause))
		return
	}
	t.ws.emitClose(ce, nil)
}

// readMessage reads the next message whole and returns a copy of it.
func (t *nativeTransport) readMessage(conn *websocket.Conn) (websocket.MessageType, []byte, error) {
	// A context that is never done: coder/websocket then sets no timer
	// per read. Cutting the connection interrupts a read.
	typ, r, err := conn.Reader(context.Background())
	if err != nil {
		return 0, nil, err
	}
	buf := t.rbuf[:0]
	for {
		if len(buf) == cap(buf) && cap(buf) > 0 {
			// Full: the message may be exactly this long. Probe
			// before growing, so that such a message, 64 KiB say,
			// keeps its buffer at its size.
			n, err := r.Read(t.probe[:])
			if err == io.EOF && n == 0 {
				break
			}
			grown := make([]byte, len(buf), 2*cap(buf))
			copy(grown, buf)
			buf = append(grown, t.probe[:n]...)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.rbuf = buf[:0]
				return 0, nil, err
			}
			continue
		}
		if cap(buf) == 0 {
			buf = make([]byte, 0, readBufStart)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			t.rbuf = buf[:0]
			return 0, nil, err
		}
	}
	data := make([]byte, len(buf))
	copy(data, buf)
	if cap(buf) > readBufKeep || (cap(buf) > readBufSmall && len(buf) < cap(buf)/4) {
		buf = nil
	}
	t.rbuf = buf[:0]
	return typ, data, nil
}
