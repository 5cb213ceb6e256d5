//go:build !js

package server

import (
	"net"
	"sync"
)

// maxCork is the most a corkWriter holds back: a batch of more goes out
// in several writes.
const maxCork = 16 << 10

// corkPool holds the corkWriters' buffers, which exist only while a
// batch is written: an idle connection has none.
var corkPool = sync.Pool{New: func() any { return new([]byte) }}

// corkWriter stands between coder/websocket's buffered writer and the
// hijacked connection, so that a writer that finds several messages
// queued sends them with one write(2). coder/websocket flushes every
// frame; while the writer has the corkWriter corked, what is flushed is
// held back, up to maxCork, and uncork sends it all at once.
//
// Every frame goes through Write, in the order coder/websocket writes
// them under its lock, and Write and uncork send under mu: the bytes
// reach the connection in that order. A control frame written by another
// goroutine while corked (a pong, a ping, a close) is held back too, but
// no longer than the writer takes to copy its batch, since a corked Write
// never waits on the network unless it sends. The writer uncorks on every
// path, and a data frame after a close frame fails at once, so a close
// frame is never left behind.
type corkWriter struct {
	conn   net.Conn
	mu     sync.Mutex
	corked bool
	buf    *[]byte // from corkPool while corked, else nil
}

// cork starts holding frames back.
func (w *corkWriter) cork() {
	w.mu.Lock()
	w.corked = true
	w.mu.Unlock()
}

// uncork sends what is held back and stops holding.
func (w *corkWriter) uncork() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.corked = false
	if w.buf == nil {
		return nil
	}
	err := w.flushLocked()
	if cap(*w.buf) <= 2*maxCork {
		corkPool.Put(w.buf)
	}
	w.buf = nil
	return err
}

func (w *corkWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.corked {
		return w.conn.Write(p)
	}
	if w.buf == nil {
		w.buf = corkPool.Get().(*[]byte)
	}
	if len(*w.buf)+len(p) > maxCork {
		if err := w.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > maxCork {
			return w.conn.Write(p)
		}
	}
	*w.buf = append(*w.buf, p...)
	return len(p), nil
}

// flushLocked sends what is held back, with w.mu held. On an error it is
// dropped: the connection is broken.
func (w *corkWriter) flushLocked() error {
	if len(*w.buf) == 0 {
		return nil
	}
	_, err := w.conn.Write(*w.buf)
	*w.buf = (*w.buf)[:0]
	return err
}
