//go:build !js

package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// countingConn keeps the writes that reach it, and passes them on to
// Conn, if any.
type countingConn struct {
	net.Conn
	mu     sync.Mutex
	writes [][]byte
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, bytes.Clone(p))
	c.mu.Unlock()
	if c.Conn == nil {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *countingConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.writes)
}

// frame returns a frame of op whose header and payload (bytes of c) are
// size bytes in all.
func frame(op, c byte, size int) []byte {
	var h []byte
	switch {
	case size-2 <= 125:
		h = []byte{0x80 | op, byte(size - 2)}
	case size-4 <= 0xffff:
		h = []byte{0x80 | op, 126, 0, 0}
		binary.BigEndian.PutUint16(h[2:], uint16(size-4))
	default:
		h = make([]byte, 10)
		h[0], h[1] = 0x80|op, 127
		binary.BigEndian.PutUint64(h[2:], uint64(size-10))
	}
	return append(h, bytes.Repeat([]byte{c}, size-len(h))...)
}

func TestCorkWriter(t *testing.T) {
	cc := &countingConn{}
	w := &corkWriter{conn: cc}
	w.Write(frame(2, 'a', 3))
	if cc.count() != 1 {
		t.Fatalf("uncorked: %d writes, want 1", cc.count())
	}

	w.cork()
	b, c := frame(2, 'b', 3), frame(2, 'c', 3)
	w.Write(b)
	w.Write(c)
	if cc.count() != 1 {
		t.Fatalf("corked: %d writes, want none more", cc.count())
	}
	if err := w.uncork(); err != nil {
		t.Fatal(err)
	}
	if cc.count() != 2 || string(cc.writes[1]) != string(b)+string(c) {
		t.Fatalf("uncork wrote %q, want one write of b and c", cc.writes[1:])
	}
	if w.buf != nil {
		t.Error("the buffer outlives the batch")
	}

	// What would go over maxCork sends what is held first; what is
	// larger than maxCork goes straight through.
	w.cork()
	w.Write(frame(2, 'x', maxCork-1))
	w.Write(frame(2, 'y', 4))
	w.Write(frame(2, 'h', maxCork+1))
	w.Write(frame(2, 'e', 5))
	w.uncork()
	var got []string
	for _, p := range cc.writes[2:] {
		got = append(got, strconv.Itoa(len(p)))
	}
	if s := strings.Join(got, " "); s != strconv.Itoa(maxCork-1)+" 4 "+strconv.Itoa(maxCork+1)+" 5" {
		t.Errorf("writes of %s bytes", s)
	}
}

// TestCorkWriterClose: a close frame is not held back, nor what comes
// after it; a frame that comes in several writes, whose payload looks
// like a close frame's header, is not taken for one.
func TestCorkWriterClose(t *testing.T) {
	cc := &countingConn{}
	w := &corkWriter{conn: cc}
	w.cork()
	long := frame(2, 0x88, 300)
	w.Write(long[:100])
	w.Write(long[100:])
	w.Write(frame(2, 'm', 10))
	if cc.count() != 0 {
		t.Fatalf("%d writes before the close frame, want none", cc.count())
	}
	closing := frame(8, 'c', 10)
	w.Write(closing)
	if cc.count() != 2 || len(cc.writes[0]) != 310 || string(cc.writes[1]) != string(closing) {
		t.Fatalf("writes of %d frames at the close frame, want what was held, then the close frame", cc.count())
	}
	w.Write(frame(10, 'p', 4))
	if cc.count() != 3 {
		t.Errorf("a write after the close frame was held back")
	}
	if err := w.uncork(); err != nil || cc.count() != 3 {
		t.Errorf("uncork: %v, %d writes, want none more", err, cc.count())
	}
}

// corkedPair is a client of a real connection whose writes are counted,
// and the peer that reads them.
func corkedPair(t *testing.T) (*client, *countingConn, *websocket.Conn) {
	t.Helper()
	got := make(chan *client, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &hijackRecorder{ResponseWriter: w}
		conn, err := websocket.Accept(hw, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		cc := &countingConn{Conn: hw.cork.conn}
		hw.cork.conn = cc
		got <- &client{conn: conn, cork: hw.cork, netConn: cc}
	}))
	t.Cleanup(hs.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	peer, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.CloseNow() })
	c := <-got
	t.Cleanup(func() { c.conn.CloseNow() })
	return c, c.netConn.(*countingConn), peer
}

// TestWriteBatch: several queued messages go out with one write, and the
// peer reads them all, in order.
func TestWriteBatch(t *testing.T) {
	c, cc, peer := corkedPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	var batch []*message
	for i := range 10 {
		batch = append(batch, &message{typ: websocket.MessageText, data: []byte("m" + strconv.Itoa(i))})
	}
	if err := c.writeBatch(batch); err != nil {
		t.Fatal(err)
	}
	if n := cc.count(); n != 1 {
		t.Errorf("%d writes for a batch of 10, want 1", n)
	}
	for i := range 10 {
		_, data, err := peer.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := "m" + strconv.Itoa(i); string(data) != want {
			t.Fatalf("read %q, want %q", data, want)
		}
	}
}

// TestCorkedClose: a close frame written by another goroutine while the
// writer has the connection corked is not held back once the writer
// stops: the peer gets what came before it, then the close frame.
func TestCorkedClose(t *testing.T) {
	c, _, peer := corkedPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c.cork.cork()
	if err := c.write(&message{typ: websocket.MessageText, data: []byte("before")}); err != nil {
		t.Fatal(err)
	}
	held := func() int {
		c.cork.mu.Lock()
		defer c.cork.mu.Unlock()
		return len(*c.cork.buf)
	}
	n := held()
	closed := make(chan error, 1)
	go func() { closed <- c.conn.Close(websocket.StatusGoingAway, "bye") }()
	for held() == n {
		time.Sleep(time.Millisecond) // until the close frame has come
	}
	if err := c.write(&message{typ: websocket.MessageText, data: []byte("after")}); err == nil {
		t.Error("a data frame went after the close frame")
	}
	c.cork.uncork()

	_, data, err := peer.Read(ctx)
	if err != nil || string(data) != "before" {
		t.Fatalf("read %q, %v; want \"before\"", data, err)
	}
	_, _, err = peer.Read(ctx)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusGoingAway {
		t.Fatalf("got %v, want the close frame", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestCorkedCloseReply: the peer closes while the writer has the
// connection corked. coder/websocket answers the close frame from the
// reader and then closes the connection at once, so the answer must not
// wait in the cork buffer for the writer: the peer gets it, and its
// close handshake is clean.
func TestCorkedCloseReply(t *testing.T) {
	c, _, peer := corkedPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	c.cork.cork()
	if err := c.write(&message{typ: websocket.MessageText, data: []byte("before")}); err != nil {
		t.Fatal(err)
	}
	peerClosed := make(chan error, 1)
	go func() {
		// The peer reads what the server sends while it waits for the
		// answer to its close frame.
		peerClosed <- peer.Close(websocket.StatusNormalClosure, "done")
	}()
	_, _, err := c.conn.Read(ctx) // answers the close frame, and closes
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("server read: %v, want the peer's close", err)
	}
	if err := c.write(&message{typ: websocket.MessageText, data: []byte("after")}); err == nil {
		t.Error("a data frame went after the close frame")
	}
	c.cork.uncork()
	if err := <-peerClosed; err != nil {
		t.Errorf("the peer's Close: %v, want a clean close handshake", err)
	}
}
