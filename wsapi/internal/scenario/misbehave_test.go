//go:build !js

package scenario

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

func TestParseFrameSpec(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		first   byte
		masked  bool
		payload string
	}{
		{"text:ok", 0x81, false, "ok"},
		{"text", 0x81, false, ""},
		{"masked text:hi", 0x81, true, "hi"},
		{"nofin rsv1 rsv2 rsv3 binary", 0x72, false, ""},
		{"cont:a:b", 0x80, false, "a:b"},
		{"3:x", 0x83, false, "x"},
		{"ping*126", 0x89, false, strings.Repeat("x", 126)},
		{"close", 0x88, false, ""},
		{"close:1005", 0x88, false, "\x03\xed"},
		{"close:4000:c:d", 0x88, false, "\x0f\xa0c:d"},
		{"close:0x03", 0x88, false, "\x03"},
		{"text:a\xffb", 0x81, false, "a\xffb"},
	} {
		f, err := parseFrameSpec(tc.spec)
		if err != nil || f.first != tc.first || f.masked != tc.masked || string(f.payload) != tc.payload {
			t.Errorf("%q: %#x %v %q %v, want %#x %v %q", tc.spec, f.first, f.masked, f.payload, err, tc.first, tc.masked, tc.payload)
		}
	}
	for _, bad := range []string{"", "masked", "blue text", "16", "close:x", "close:70000", "text:0xzz", "ping*x", "ping*2:x"} {
		if _, err := parseFrameSpec(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// rawHandshake sends a handshake for path and returns the connection and
// the response as it came, unchecked.
func rawHandshake(t *testing.T, ws, path string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(ws, "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, br, resp
}

func TestSendFrames(t *testing.T) {
	ws := testServer(t, nil)
	rc := dialRaw(t, ws, "/send?id=s1&f=text:ok&f=masked+rsv2+text:hi&f=close:4000:c&f=text:late")
	type frame struct {
		first  byte
		masked bool
		p      string
	}
	var got []frame
	for range 4 {
		var b [2]byte
		if _, err := io.ReadFull(rc.br, b[:]); err != nil {
			t.Fatal(err)
		}
		h := frame{first: b[0], masked: b[1]&0x80 != 0}
		p := make([]byte, b[1]&0x7F)
		var key [4]byte
		if h.masked {
			io.ReadFull(rc.br, key[:])
		}
		if _, err := io.ReadFull(rc.br, p); err != nil {
			t.Fatal(err)
		}
		for i := range p {
			p[i] ^= key[i%4]
		}
		h.p = string(p)
		got = append(got, h)
	}
	want := []frame{{0x81, false, "ok"}, {0xA1, true, "hi"}, {0x88, false, "\x0f\xa0c"}, {0x81, false, "late"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("frames %+v, want %+v", got, want)
	}
	// The server sent a close frame: the client's is not echoed.
	rc.send(true, wsframe.OpClose, []byte{0x0f, 0xa0})
	if _, err := rc.br.ReadByte(); err != io.EOF {
		t.Errorf("after the client's close: %v, want EOF", err)
	}
	checkLines(t, observe(t, ws, "s1"), `request protocols="" extensions=""`, `close 4000 ""`)

	// Without a close frame among them, the client's close is echoed.
	rc = dialRaw(t, ws, "/send?id=s2&f=binary*3")
	if op, p := rc.recv(); op != wsframe.OpBinary || string(p) != "xxx" {
		t.Fatalf("got %d %q", op, p)
	}
	rc.send(true, wsframe.OpClose, []byte{0x03, 0xe8})
	if op, p := rc.recv(); op != wsframe.OpClose || string(p) != "\x03\xe8" {
		t.Fatalf("got %d %q, want the close echoed", op, p)
	}
	checkLines(t, observe(t, ws, "s2"), `request protocols="" extensions=""`, `close 1000 ""`)

	_, resp, err := websocket.Dial(testContext(t), ws+"/send?id=s3&f=blue", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad frame: %v %v, want status 400", resp, err)
	}
}

func TestPickReply(t *testing.T) {
	ws := testServer(t, nil)
	_, _, resp := rawHandshake(t, ws, "/pick?id=pr1&ext=x-foo%3B+a=1&accept=bad")
	if got := resp.Header.Values("Sec-WebSocket-Extensions"); len(got) != 1 || got[0] != "x-foo; a=1" {
		t.Errorf("extensions %q", got)
	}
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got == "" || got == wsframe.AcceptKey("dGhlIHNhbXBsZSBub25jZQ==") {
		t.Errorf("accept %q, want a wrong one", got)
	}
	if _, ok := resp.Header["Sec-Websocket-Protocol"]; ok {
		t.Errorf("a protocol was named")
	}
	_, _, err := websocket.Dial(testContext(t), ws+"/pick?id=pr2&accept=good", nil)
	if err == nil {
		t.Errorf("accept=good: no error")
	}
	checkLines(t, observe(t, ws, "pr2"), "refused 400")
}

func TestReset(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/reset?id=r", nil)
	if err := c.Write(testContext(t), websocket.MessageText, []byte("x")); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Read(testContext(t))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read after reset: %v, want ECONNRESET", err)
	}
	checkLines(t, observe(t, ws, "r"), `request protocols="" extensions=""`, "recv text 1", "reset")
}

func TestRedirect(t *testing.T) {
	ws := testServer(t, nil)
	base := "http" + strings.TrimPrefix(ws, "ws")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(base + "/redirect?to=/echo&id=rd&x=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := base + "/echo?id=rd&x=1"; resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Errorf("%d to %q, want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// A client that follows it is recorded under the same id.
	c := dial(t, ws+"/redirect?to=/echo&id=rd", nil)
	c.Close(websocket.StatusNormalClosure, "")
	checkLines(t, observe(t, ws, "rd"), "redirect 302", "redirect 302", `request protocols="" extensions=""`, `close 1000 ""`)

	resp, err = hc.Get(base + "/redirect?to=http://elsewhere/&id=rd2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("to a URL: status %d", resp.StatusCode)
	}
}

func TestFlood(t *testing.T) {
	ws := testServer(t, nil)
	rc := dialRaw(t, ws, "/flood?id=f&reason=server")
	for i := 1; i <= 3; i++ {
		if op, p := rc.recv(); op != wsframe.OpText || string(p) != fmt.Sprintf("flood %d", i) {
			t.Fatalf("got %d %q", op, p)
		}
	}
	rc.send(true, wsframe.OpClose, append(binary.BigEndian.AppendUint16(nil, 1000), "client"...))
	for {
		op, p := rc.recv()
		if op == wsframe.OpText {
			continue
		}
		if op != wsframe.OpClose || string(p) != "\x03\xe8server" {
			t.Fatalf("got %d %q, want close 1000 server", op, p)
		}
		break
	}
	checkLines(t, observe(t, ws, "f"), `request protocols="" extensions=""`, `close 1000 "client"`)
}

func TestHold(t *testing.T) {
	ws := testServer(t, nil)
	rc := dialRaw(t, ws, "/hold?id=h")
	rc.send(true, wsframe.OpText, []byte("abc"))
	rc.send(true, wsframe.OpClose, nil)
	_ = rc.conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := rc.br.ReadByte(); !errors.Is(err, syscall.EAGAIN) && !isTimeout(err) {
		t.Errorf("after the client's close: %v, want nothing", err)
	}
	rc.conn.Close()
	checkLines(t, observe(t, ws, "h"), `request protocols="" extensions=""`, "recv text 3", `close 1005 ""`, "eof")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestStall(t *testing.T) {
	ws := testServer(t, nil)
	rc := dialRaw(t, ws, "/stall?id=st&ms=200")
	start := time.Now()
	// More than the socket buffers hold: the write blocks until the server
	// reads again.
	big := make([]byte, 32<<20)
	if _, err := rc.conn.Write(big); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("the write returned after %v, before the server read", d)
	}
	rc.conn.Close()
	checkLines(t, observe(t, ws, "st"), `request protocols="" extensions=""`, "eof")

	_, resp, err := websocket.Dial(testContext(t), ws+"/stall?id=st2&ms=x", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("ms=x: %v %v, want status 400", resp, err)
	}
}
