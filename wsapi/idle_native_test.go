//go:build !js

package wsapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestIdleSocketHoldsOnlyItsReader: an open socket with nothing to do
// holds one goroutine, the one that reads, as a coder/websocket client held
// by a goroutine in Read does (issue 15); the dispatcher and the writer
// run only while they have work. Each socket sends and receives a message
// first, so that both have run.
func TestIdleSocketHoldsOnlyItsReader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, b, err := c.Read(context.Background())
			if err != nil || c.Write(context.Background(), typ, b) != nil {
				return
			}
		}
	}))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	const n = 10
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for range n {
		ws, err := wsapi.New(url)
		if err != nil {
			t.Fatal(err)
		}
		echoed := make(chan struct{})
		ws.OnMessage(func(wsapi.MessageEvent) { close(echoed) })
		defer func() { ws.Close(); <-ws.Done() }()
		if err := ws.WaitOpen(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ws.SendText("hello"); err != nil {
			t.Fatal(err)
		}
		select {
		case <-echoed:
		case <-ctx.Done():
			t.Fatal("no echo")
		}
	}
	// The dispatcher returns once the handler has: wait for it, within
	// the test's bound.
	for {
		reading, other := socketGoroutines()
		if reading == n && other == 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%d idle sockets hold %d goroutines that read and %d others, want %d and 0", n, reading, other, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// socketGoroutines counts the goroutines of wsapi's sockets: those that
// read and the others (the dispatcher, the writer).
func socketGoroutines() (reading, other int) {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		switch {
		case strings.Contains(g, "wsapi.(*nativeTransport).readLoop("):
			reading++
		case strings.Contains(g, "wsapi.(*WebSocket).dispatch("), strings.Contains(g, "wsapi.(*nativeTransport).write("):
			other++
		}
	}
	return reading, other
}

// TestSendToFullSocket: sends to a server that reads nothing until all of
// them returned, more than the connection's buffers hold, arrive whole and
// in order once it reads. A send written inline
// leaves what the kernel did not take to the writer; were it to wait for
// room instead, the sends would never return and the server never read.
func TestSendToFullSocket(t *testing.T) {
	const n, size = 100, 60 << 10
	sent := make(chan struct{})
	got := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			got <- err
			return
		}
		defer c.CloseNow()
		c.SetReadLimit(-1)
		<-sent
		for i := range n {
			_, b, err := c.Read(context.Background())
			if err == nil && (len(b) != size || b[0] != byte(i) || b[size-1] != byte(i)) {
				err = fmt.Errorf("message %d: %d bytes starting with %d, want %d bytes of %d", i, len(b), b[0], size, byte(i))
			}
			if err != nil {
				got <- err
				return
			}
		}
		got <- nil
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	ws, err := wsapi.NewWithOptions("ws"+strings.TrimPrefix(srv.URL, "http"), &wsapi.Options{DisableCompression: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ws.Close(); <-ws.Done() }()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		msg := make([]byte, size)
		for i := range n {
			for j := range msg {
				msg[j] = byte(i) // the caller's to reuse once Send returns
			}
			if err := ws.SendBinary(msg); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	select {
	case <-returned:
	case <-ctx.Done():
		t.Fatal("a send waited for the server to read")
	}
	close(sent)
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatal("the server did not get every message")
	}
}
