package wsnet_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/rpc"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/convtest"
	"github.com/go-wsapi/wsapi/wsapi"
	"github.com/go-wsapi/wsapi/wsnet"
	"github.com/go-wsapi/wsapi/wsread"
)

// These tests run natively, in Node and in Chromium (TestRuntimes), each
// against a native server that speaks through coder/websocket's own
// net.Conn.

func TestMain(m *testing.M) { os.Exit(convtest.Main(m)) }

func dial(t *testing.T, path string, opts *wsnet.Options) *wsnet.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.Dial(ctx, convtest.ServerURL(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := wsnet.New(ws, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		<-ws.Done()
	})
	return c
}

// TestRPC runs net/rpc through the Conn: requests and replies cut into
// messages wherever gob's buffers cut them, read back as one stream, with
// calls in flight from many goroutines at once.
func TestRPC(t *testing.T) {
	client := rpc.NewClient(dial(t, "/rpc", nil))
	defer client.Close()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 25 {
				var got int
				if err := client.Call("Arith.Mul", convtest.Args{A: g, B: i}, &got); err != nil || got != g*i {
					t.Errorf("Arith.Mul(%d, %d) = %d, %v", g, i, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
	var got int
	if err := client.Call("Arith.Div", convtest.Args{A: 1, B: 0}, &got); err == nil || err.Error() != "divide by zero" {
		t.Errorf("Arith.Div(1, 0) = %v, want the server's error", err)
	}
}

// TestHTTP speaks HTTP/1.1 through the Conn to net/http's server: two
// requests on one kept-alive connection.
func TestHTTP(t *testing.T) {
	c := dial(t, "/http", nil)
	br := bufio.NewReader(c)
	for _, path := range []string{"/a", "/b/c"} {
		req, _ := http.NewRequest("GET", "http://tunnel"+path, nil)
		if err := req.Write(c); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 || string(body) != "hello "+path {
			t.Errorf("GET %s = %d %q, %v", path, resp.StatusCode, body, err)
		}
	}
}

// TestCloseCodes: 1000 and 1001 end the stream with io.EOF after every
// byte before them; another code is an error that CloseStatus reads.
func TestCloseCodes(t *testing.T) {
	for _, c := range []struct {
		code    int
		wantErr bool
	}{{wsapi.StatusNormalClosure, false}, {wsapi.StatusGoingAway, false}, {4001, true}, {wsapi.StatusInternalError, true}} {
		conn := dial(t, "/push?type=binary&n=3&size=1000&reason=bye&code="+strconv.Itoa(c.code), nil)
		b, err := io.ReadAll(conn)
		want := append(append(bytes.Repeat([]byte{0}, 1000), bytes.Repeat([]byte{1}, 1000)...), bytes.Repeat([]byte{2}, 1000)...)
		if !bytes.Equal(b, want) {
			t.Errorf("close %d: read %d bytes, not the 3000 sent", c.code, len(b))
		}
		if c.wantErr {
			if wsapi.CloseStatus(err) != c.code || !strings.Contains(err.Error(), "bye") {
				t.Errorf("close %d: ReadAll = %v, want an error with the code and reason", c.code, err)
			}
		} else if err != nil {
			t.Errorf("close %d: ReadAll = %v, want io.EOF", c.code, err)
		}
		if _, err2 := conn.Read(make([]byte, 1)); (err == nil) != (err2 == io.EOF) {
			t.Errorf("close %d: a Read after the end = %v", c.code, err2)
		}
	}
}

func TestNotBinary(t *testing.T) {
	c := dial(t, "/push?type=text&n=1", nil)
	for range 2 {
		_, err := c.Read(make([]byte, 10))
		if !errors.Is(err, wsnet.ErrNotBinary) || !strings.Contains(err.Error(), "text message of 1 bytes") {
			t.Errorf("Read of a text message = %v, want ErrNotBinary naming it", err)
		}
	}
}

// TestDeadlines: a deadline fails the Read in progress as a timeout, and
// the Conn goes on once it is moved.
func TestDeadlines(t *testing.T) {
	c := dial(t, "/echo", nil)
	buf := make([]byte, 10)
	c.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
	_, err := c.Read(buf)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read past its deadline = %v, want a timeout", err)
	}
	// A blocked Read is interrupted by a deadline moved into the past.
	c.SetReadDeadline(time.Time{})
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(buf)
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	c.SetReadDeadline(time.Unix(1, 0))
	if err := <-errc; !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read interrupted by SetReadDeadline = %v, want a timeout", err)
	}
	c.SetWriteDeadline(time.Unix(1, 0))
	if n, err := c.Write([]byte("lost")); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Write past its deadline = %d, %v, want 0 and a timeout", n, err)
	}
	c.SetDeadline(time.Time{})
	if _, err := c.Write([]byte("still here")); err != nil {
		t.Fatal(err)
	}
	n, err := io.ReadFull(c, buf)
	if err != nil || string(buf[:n]) != "still here" {
		t.Errorf("ReadFull after the timeouts = %q, %v", buf[:n], err)
	}
}

func TestClose(t *testing.T) {
	c := dial(t, "/echo", nil)
	errc := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		errc <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read in progress at Close = %v, want net.ErrClosed", err)
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Write after Close = %v, want net.ErrClosed", err)
	}
	if err := c.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close = %v, want net.ErrClosed", err)
	}
	<-c.Socket().Done()
	if ce, _ := c.Socket().CloseEvent(); ce.Code != wsapi.StatusNormalClosure {
		t.Errorf("the socket closed with %v, want 1000", ce)
	}
	if a := c.RemoteAddr(); a.Network() != "websocket" || !strings.HasSuffix(a.String(), "/echo") {
		t.Errorf("RemoteAddr = %s %s", a.Network(), a)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := wsnet.New(nil, nil); err == nil || !strings.Contains(err.Error(), "nil *wsapi.WebSocket") {
		t.Errorf("New(nil) = %v, want an error naming the nil socket", err)
	}
	ws := convtest.Unopened(t)
	if _, err := wsnet.New(ws, &wsnet.Options{MaxBuffered: -1}); err == nil || !strings.Contains(err.Error(), "-1") {
		t.Errorf("New(MaxBuffered: -1) = %v, want an error naming -1", err)
	}
	if _, err := wsnet.New(ws, &wsnet.Options{Reader: &wsread.Options{Buffer: -2}}); err == nil || !strings.Contains(err.Error(), "-2") {
		t.Errorf("New(Reader.Buffer: -2) = %v, want an error naming -2", err)
	}
}
