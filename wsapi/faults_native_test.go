//go:build !js

package wsapi_test

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/wsapi"
)

// faultWait bounds each wait of these tests: what they wait for takes
// milliseconds, so a wait this long is a hang.
const faultWait = 10 * time.Second

// recordEvents sets handlers on ws that log every event; onOpen, if not nil,
// runs in the open handler.
func recordEvents(ws *wsapi.WebSocket, onOpen func()) *eventLog {
	l := &eventLog{}
	ws.SetHandlers(wsapi.Handlers{
		Open: func() {
			l.add("open")
			if onOpen != nil {
				onOpen()
			}
		},
		Message: func(m wsapi.MessageEvent) {
			if m.Type == wsapi.Text && !utf8.Valid(m.Data) {
				l.add("message: text that is not UTF-8")
				return
			}
			l.add("message " + m.Type.String())
		},
		Error: func(error) { l.add("error") },
		Close: func(e wsapi.CloseEvent) { l.add(fmt.Sprintf("close %d %v", e.Code, e.WasClean)) },
	})
	return l
}

// checkEvents checks the browser's rules on the order of events: open at
// most once and first, messages only after open, error at most once and
// right before close, and close exactly once and last.
func checkEvents(events []string) error {
	if len(events) == 0 || !strings.HasPrefix(events[len(events)-1], "close ") {
		return fmt.Errorf("events %q do not end with close", events)
	}
	opened := false
	for i, e := range events {
		switch {
		case e == "open":
			if i != 0 {
				return fmt.Errorf("events %q: open is not first", events)
			}
			opened = true
		case strings.HasPrefix(e, "message"):
			if !opened || e == "message: text that is not UTF-8" {
				return fmt.Errorf("events %q: %s", events, e)
			}
		case e == "error":
			if i != len(events)-2 {
				return fmt.Errorf("events %q: error is not right before close", events)
			}
		case strings.HasPrefix(e, "close "):
			if i != len(events)-1 {
				return fmt.Errorf("events %q: close is not last", events)
			}
			if !opened && e != "close 1006 false" {
				return fmt.Errorf("events %q: a socket that never opened closed clean", events)
			}
		}
	}
	return nil
}

// fakeServer answers one handshake on conn with a 101 (with
// permessage-deflate when deflate), writes frames, and ends its side,
// reading what the client sends until the client is done.
func fakeServer(conn *wstest.HalfConn, deflate bool, frames []byte) error {
	defer conn.Close()
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil {
		return err
	}
	sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n"
	if deflate {
		resp += "Sec-WebSocket-Extensions: permessage-deflate\r\n"
	}
	drained := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, br)
		drained <- err
	}()
	if _, err := io.WriteString(conn, resp+"\r\n"); err != nil {
		return err
	}
	conn.Write(frames) // the client may close first
	conn.CloseWrite()
	return <-drained
}

// FuzzClientFrames has a fake server answer the native client's handshake
// with a valid 101 and then write arbitrary bytes and end its side. On
// open, the client sends a message (mode&2) or closes (mode&4); mode&1
// negotiates permessage-deflate. Whatever the bytes, the client must not
// panic or hang, must end with exactly one close event within
// faultWait, with the events in the browser's order, and must never
// deliver a text message that is not UTF-8.
func FuzzClientFrames(f *testing.F) {
	text := func(s string) []byte { return append([]byte{0x81, byte(len(s))}, s...) }
	for mode := range byte(8) {
		f.Add(mode, []byte{})
		f.Add(mode, append(text("hello"), 0x88, 0x02, 0x03, 0xe8))
	}
	for _, seed := range [][]byte{
		{0x82, 0x03, 1, 2, 3},                             // binary
		{0x01, 0x02, 'h', 'e', 0x80, 0x01, 'y'},           // fragmented
		{0x89, 0x04, 'p', 'i', 'n', 'g'},                  // ping, to answer
		{0x8a, 0x00},                                      // unsolicited pong
		{0x81, 0x02, 0xff, 0xfe},                          // text that is not UTF-8
		{0x81, 0x85, 0, 0, 0, 0, 'm', 'a', 's', 'k', 'd'}, // masked, from a server
		{0x83, 0x00},                                      // reserved opcode
		{0xc1, 0x01, 'x'},                                 // RSV1 without deflate
		{0x88, 0x01, 0x03},                                // close payload of 1 byte
		{0x88, 0x02, 0x03, 0xed},                          // close 1005 on the wire
		{0x88, 0x03, 0x03, 0xe8, 0xff},                    // close reason not UTF-8
		{0x88, 0x7e, 0x00, 0x80},                          // close frame of 128 bytes, truncated
		{0x09, 0x00},                                      // fragmented ping
		{0x81, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // 2^63-1 bytes announced
		{0x81, 0x05, 'h', 'e'}, // truncated
	} {
		f.Add(byte(0), seed)
	}
	f.Add(byte(1), []byte{0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00}) // "Hello", deflated
	f.Fuzz(func(t *testing.T, mode byte, data []byte) {
		served := make(chan error, 1)
		tr := &http.Transport{
			DisableKeepAlives: true,
			DialContext: func(context.Context, string, string) (net.Conn, error) {
				c, s := wstest.HalfPipe()
				go func() { served <- fakeServer(s, mode&1 != 0, data) }()
				return c, nil
			},
		}
		defer tr.CloseIdleConnections()
		ws, err := wsapi.NewWithOptions("ws://fuzz.test/", &wsapi.Options{
			HTTPClient:   &http.Client{Transport: tr},
			CloseTimeout: time.Second,
		})
		if err != nil {
			t.Fatal(err)
		}
		log := recordEvents(ws, func() {
			if mode&2 != 0 {
				ws.SendText("from the client")
			}
			if mode&4 != 0 {
				ws.CloseWithStatus(1000, "from the client")
			}
		})
		select {
		case <-ws.Done():
		case <-time.After(faultWait):
			ws.Close()
			t.Fatalf("no close event after %v; events %q", faultWait, log.list())
		}
		select {
		case <-served:
		case <-time.After(faultWait):
			t.Fatalf("the client did not end the connection; events %q", log.list())
		}
		if err := checkEvents(log.list()); err != nil {
			t.Fatal(err)
		}
	})
}

// startSilentEcho starts a coder/websocket echo server behind a proxy
// that the test can make go silent, and returns the proxy.
func startSilentEcho(t *testing.T) *wstest.SilentProxy {
	t.Helper()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, data, err := c.Read(r.Context())
			if err != nil {
				return
			}
			c.Write(r.Context(), typ, data)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return wstest.StartSilentProxy(t, ln.Addr().String())
}

// TestSilentServer: the connection to the server goes silent with no FIN.
// The native client, like Chrome, has no read or ping timeout of its own:
// it stays OPEN and says nothing (what this test shows for a while). What
// bounds it is Close, whose closing handshake is cut after
// Options.CloseTimeout: close 1006, not clean.
func TestSilentServer(t *testing.T) {
	proxy := startSilentEcho(t)

	const closeTimeout = 300 * time.Millisecond
	ws, err := wsapi.NewWithOptions("ws://"+proxy.Addr()+"/", &wsapi.Options{CloseTimeout: closeTimeout})
	if err != nil {
		t.Fatal(err)
	}
	echoed := make(chan struct{}, 1)
	log := &eventLog{}
	ws.SetHandlers(wsapi.Handlers{
		Open:    func() { log.add("open"); ws.SendText("before") },
		Message: func(m wsapi.MessageEvent) { log.add("message " + m.Text()); echoed <- struct{}{} },
		Error:   func(error) { log.add("error") },
		Close:   func(e wsapi.CloseEvent) { log.add(fmt.Sprintf("close %d %v", e.Code, e.WasClean)) },
	})
	select {
	case <-echoed:
	case <-time.After(faultWait):
		t.Fatalf("no echo; events %q", log.list())
	}

	proxy.Freeze()
	ws.SendText("into the void")
	time.Sleep(500 * time.Millisecond)
	if got := ws.ReadyState(); got != wsapi.Open {
		t.Errorf("silent connection: state %v, want OPEN (no read timeout)", got)
	}

	start := time.Now()
	ws.Close()
	select {
	case <-ws.Done():
	case <-time.After(faultWait):
		t.Fatalf("no close event %v after Close; events %q", faultWait, log.list())
	}
	took := time.Since(start)
	want := []string{"open", "message before", "close 1006 false"}
	if got := log.list(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if took < closeTimeout || took > closeTimeout+5*time.Second {
		t.Errorf("closed %v after Close, want about CloseTimeout (%v)", took, closeTimeout)
	}
	t.Logf("closed %v after Close on a silent connection", took.Round(time.Millisecond))
}

// TestSilentServerPing: with Options.PingInterval the native client notices
// a connection gone silent by itself: close 1006, not clean, no error.
func TestSilentServerPing(t *testing.T) {
	proxy := startSilentEcho(t)

	ws, err := wsapi.NewWithOptions("ws://"+proxy.Addr()+"/", &wsapi.Options{
		PingInterval: 50 * time.Millisecond,
		PingTimeout:  200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	log := &eventLog{}
	opened := make(chan struct{})
	ws.SetHandlers(wsapi.Handlers{
		Open:    func() { log.add("open"); close(opened) },
		Message: func(m wsapi.MessageEvent) { log.add("message " + m.Text()) },
		Error:   func(error) { log.add("error") },
		Close:   func(e wsapi.CloseEvent) { log.add(fmt.Sprintf("close %d %v", e.Code, e.WasClean)) },
	})
	select {
	case <-opened:
	case <-time.After(faultWait):
		t.Fatalf("no open; events %q", log.list())
	}
	// Pings answered while the proxy forwards: the socket stays open.
	time.Sleep(200 * time.Millisecond)
	if got := ws.ReadyState(); got != wsapi.Open {
		t.Fatalf("state %v while pongs come back, want OPEN", got)
	}
	proxy.Freeze()
	select {
	case <-ws.Done():
	case <-time.After(faultWait):
		t.Fatalf("the silent connection was not noticed within %v; events %q", faultWait, log.list())
	}
	want := []string{"open", "close 1006 false"}
	if got := log.list(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("events %q, want %q", got, want)
	}
}
