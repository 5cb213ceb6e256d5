//go:build !js

package wsapi

import (
	"context"
	"io"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// read delivers messages until the connection ends, then ends it as Chrome
// would and returns the close event, with the cause when the connection
// failed. No goroutine of the socket's outlives it.
func (t *nativeTransport) read(conn *websocket.Conn) (CloseEvent, error) {
	var err error
	for {
		var typ websocket.MessageType
		var data []byte
		typ, data, err = t.readMessage(conn)
		if err != nil {
			break
		}
		if typ == websocket.MessageText && !utf8.Valid(data) {
			t.tap.setFailure(errTextUTF8)
			break
		}
		if t.ws.emitMessage(MessageType(typ), data) {
			t.ws.waitRoom()
		}
	}
	t.rbuf = nil
	ce, cause := t.end(err)
	t.stopTimer()
	t.tap.cut()
	t.stopWriter()
	conn.CloseNow()
	return ce, cause
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
