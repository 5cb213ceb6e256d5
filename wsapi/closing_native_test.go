//go:build !js

package wsapi

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// fullSocket is a socket whose send buffer never has room: every tryWrite
// takes nothing.
type fullSocket struct{}

func (fullSocket) Control(func(uintptr)) error    { return nil }
func (fullSocket) Read(func(uintptr) bool) error  { return nil }
func (fullSocket) Write(func(uintptr) bool) error { return nil }

// TestCoderCloseFrameInSpill checks that the close frame coder/websocket
// writes when it fails the connection itself (a message over the read
// limit) reaches the server whole when it was written while a send wrote
// inline and the kernel took none of it: the reader cuts the connection
// right after end, and the writer, which would flush it, may not have run.
func TestCoderCloseFrameInSpill(t *testing.T) {
	conn := &chunkConn{r: strings.NewReader("")}
	tap := newFrameTap(conn, false)
	tap.raw = &rawWriter{rc: fullSocket{}}
	tr := &nativeTransport{tap: tap}
	if !tap.beginTry() {
		t.Fatal("beginTry refused an idle tap")
	}
	cf := closeFrame(1009, "read limited at 10 bytes")
	if n, err := tap.Write(cf); n != len(cf) || err != nil {
		t.Fatalf("coder's close frame during a try: %d, %v", n, err)
	}
	if !tap.endTry() {
		t.Fatal("the kernel took nothing, yet nothing waits in spill")
	}
	ce, err := tr.end(errors.New("failed to read: read limited at 10 bytes"))
	tap.cut()
	if ce.Code != 1006 || err == nil {
		t.Errorf("end: %+v, %v; want 1006 and coder's error", ce, err)
	}
	if got := conn.written(); !bytes.Equal(got, cf) {
		t.Errorf("the server got %x of coder's close frame %x", got, cf)
	}
}

// TestCloseAfterConnectionLost checks that a Close called once the reader
// is done, from a handler that runs before the close event, arms no
// closing handshake deadline: no close frame can go out, and the timer
// would hold the socket for CloseTimeout after its close.
func TestCloseAfterConnectionLost(t *testing.T) {
	ws := lostSocket(t)
	closed := make(chan struct{})
	ws.SetHandlers(Handlers{Message: func(MessageEvent) {
		tr := ws.tr.(*nativeTransport)
		for { // until the reader is done
			tr.mu.Lock()
			stop := tr.stop
			tr.mu.Unlock()
			if stop {
				break
			}
			time.Sleep(time.Millisecond)
		}
		ws.Close()
		close(closed)
	}})
	<-closed
	<-ws.Done()
	tr := ws.tr.(*nativeTransport)
	tr.mu.Lock()
	armed := tr.closeTimer != nil
	tr.mu.Unlock()
	if armed {
		t.Error("Close after the reader was done armed the closing handshake's deadline")
	}
}
