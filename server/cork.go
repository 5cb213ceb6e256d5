//go:build !js

package server

import (
	"net"
	"sync"

	"github.com/go-wsapi/wsapi/internal/wsframe"
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
// never waits on the network unless it sends. A close frame is not held
// back: coder/websocket closes the connection right after the one that
// answers the peer's, so it goes at once, with what is held before it,
// and the writes after it are not held either (a data frame after a
// close frame fails at once anyway). To know a close frame when it comes,
// Write follows the frames' headers while corked. The writer uncorks on
// every path.
type corkWriter struct {
	conn   net.Conn
	mu     sync.Mutex
	corked bool
	buf    *[]byte          // from corkPool while corked, else nil
	frames wsframe.Follower // while corked: the frames written since cork
}

// cork starts holding frames back. It is called between two frames: the
// writer's own are written, and the others are control frames, each
// written whole.
func (w *corkWriter) cork() {
	w.mu.Lock()
	w.corked = true
	w.frames = wsframe.Follower{}
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
	if w.closeFrame(p) {
		w.corked = false
		if w.buf != nil {
			if err := w.flushLocked(); err != nil {
				return 0, err
			}
		}
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

// closeFrame follows the frames in p, which go on from those written
// since cork, and reports whether one of them is a close frame. A header
// it cannot read whole (never the case with coder/websocket, which
// flushes after every frame) counts as one: the bytes then go at once.
func (w *corkWriter) closeFrame(p []byte) bool {
	for len(p) > 0 {
		n, h, ok := w.frames.Advance(p)
		p = p[n:]
		if ok && h.Op == wsframe.OpClose {
			return true
		}
	}
	return w.frames.InHeader()
}
