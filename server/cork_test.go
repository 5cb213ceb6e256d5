//go:build !js

package server

import (
	"bytes"
	"context"
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

func TestCorkWriter(t *testing.T) {
	cc := &countingConn{}
	w := &corkWriter{conn: cc}
	w.Write([]byte("a"))
	if cc.count() != 1 {
		t.Fatalf("uncorked: %d writes, want 1", cc.count())
	}

	w.cork()
	w.Write([]byte("b"))
	w.Write([]byte("c"))
	if cc.count() != 1 {
		t.Fatalf("corked: %d writes, want none more", cc.count())
	}
	if err := w.uncork(); err != nil {
		t.Fatal(err)
	}
	if cc.count() != 2 || string(cc.writes[1]) != "bc" {
		t.Fatalf("uncork wrote %q, want one write of \"bc\"", cc.writes[1:])
	}
	if w.buf != nil {
		t.Error("the buffer outlives the batch")
	}

	// What would go over maxCork sends what is held first; what is
	// larger than maxCork goes straight through.
	w.cork()
	big := bytes.Repeat([]byte("x"), maxCork-1)
	w.Write(big)
	w.Write([]byte("yz"))
	w.Write(bytes.Repeat([]byte("h"), maxCork+1))
	w.Write([]byte("end"))
	w.uncork()
	var got []string
	for _, p := range cc.writes[2:] {
		got = append(got, strconv.Itoa(len(p)))
	}
	if s := strings.Join(got, " "); s != strconv.Itoa(maxCork-1)+" 2 "+strconv.Itoa(maxCork+1)+" 3" {
		t.Errorf("writes of %s bytes", s)
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
		time.Sleep(time.Millisecond) // the close frame is being held
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
