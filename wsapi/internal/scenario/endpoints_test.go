//go:build !js

package scenario

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/go-wsapi/wsapi/internal/wsframe"
)

const chromeExtensions = "permessage-deflate; client_max_window_bits"

func TestEcho(t *testing.T) {
	ws := testServer(t, nil)
	ctx := testContext(t)
	c, resp, err := websocket.Dial(ctx, ws+"/echo?id=e1", &websocket.DialOptions{
		Subprotocols: []string{"a", "b"},
		HTTPHeader:   http.Header{"Sec-Websocket-Extensions": {chromeExtensions}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if got := resp.Header.Get("Sec-WebSocket-Extensions"); got != "" {
		t.Errorf("server accepted extensions %q", got)
	}
	if got := c.Subprotocol(); got != "" {
		t.Errorf("protocol %q, want none", got)
	}
	c.SetReadLimit(-1)

	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i % 251)
	}
	msgs := []struct {
		typ  websocket.MessageType
		data []byte
	}{
		{websocket.MessageText, []byte("hello")},
		{websocket.MessageBinary, []byte{1, 2, 3}},
		{websocket.MessageText, nil},
		{websocket.MessageBinary, big},
	}
	for _, m := range msgs {
		if err := c.Write(ctx, m.typ, m.data); err != nil {
			t.Fatal(err)
		}
		typ, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != m.typ || !bytes.Equal(data, m.data) {
			t.Fatalf("echo of %v %d bytes: got %v %d bytes", m.typ, len(m.data), typ, len(data))
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Fatal(err)
	}
	checkLines(t, observe(t, ws, "e1"),
		`request protocols="a,b" extensions="permessage-deflate; client_max_window_bits"`,
		"recv text 5",
		"recv binary 3",
		"recv text 0",
		"recv binary 1048576",
		`close 1000 "bye"`)
}

func TestEchoAccept(t *testing.T) {
	ws := testServer(t, nil)
	for _, tc := range []struct {
		offer []string
		want  string
	}{
		{[]string{"a", "b"}, "b"},
		{[]string{"a"}, ""},
		{nil, ""},
	} {
		id := "acc" + strings.Join(tc.offer, "")
		c := dial(t, ws+"/echo?accept=b&id="+id, &websocket.DialOptions{Subprotocols: tc.offer})
		if got := c.Subprotocol(); got != tc.want {
			t.Errorf("offer %q: protocol %q, want %q", tc.offer, got, tc.want)
		}
		if err := c.Close(4000, ""); err != nil {
			t.Fatal(err)
		}
		checkLines(t, observe(t, ws, id),
			fmt.Sprintf(`request protocols=%q extensions=""`, strings.Join(tc.offer, ",")),
			`close 4000 ""`)
	}
}

func TestEchoNoStatus(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/echo?id=ns", nil)
	// coder/websocket sends a close frame without payload for 1005.
	if err := c.Close(websocket.StatusNoStatusRcvd, ""); err != nil {
		t.Fatal(err)
	}
	checkLines(t, observe(t, ws, "ns"), `request protocols="" extensions=""`, `close 1005 ""`)
}

func TestEchoGone(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/echo?id=g", nil)
	if err := c.Write(testContext(t), websocket.MessageText, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(testContext(t)); err != nil {
		t.Fatal(err)
	}
	c.CloseNow()
	checkLines(t, observe(t, ws, "g"), `request protocols="" extensions=""`, "recv text 1", "gone")
}

func TestPick(t *testing.T) {
	ws := testServer(t, nil)

	c := dial(t, ws+"/pick?proto=c&id=p1", &websocket.DialOptions{Subprotocols: []string{"c", "d"}})
	if got := c.Subprotocol(); got != "c" {
		t.Errorf("protocol %q, want c", got)
	}
	if err := c.Write(testContext(t), websocket.MessageBinary, []byte("four")); err != nil {
		t.Fatal(err)
	}
	// The raw server echoes the close frame; coder's Close checks that.
	if err := c.Close(4000, "x"); err != nil {
		t.Fatal(err)
	}
	checkLines(t, observe(t, ws, "p1"), `request protocols="c,d" extensions=""`, "recv binary 4", `close 4000 "x"`)

	// c is named even when not offered; the client then gives up, which
	// the server records as gone. (Not coder's Dial: after a bad
	// handshake it lingers 3 s reading the body.)
	rc := dialRaw(t, ws, "/pick?proto=c&id=p2")
	if got := rc.resp.Header.Values("Sec-WebSocket-Protocol"); !slices.Equal(got, []string{"c"}) {
		t.Errorf("Sec-WebSocket-Protocol %q, want c", got)
	}
	rc.conn.Close()
	checkLines(t, observe(t, ws, "p2"), `request protocols="" extensions=""`, "gone")

	// Without proto, no protocol is named.
	c = dial(t, ws+"/pick?id=p3", nil)
	if got := c.Subprotocol(); got != "" {
		t.Errorf("protocol %q, want none", got)
	}
	if err := c.Close(websocket.StatusNoStatusRcvd, ""); err != nil {
		t.Fatal(err)
	}
	checkLines(t, observe(t, ws, "p3"), `request protocols="" extensions=""`, `close 1005 ""`)
}

func TestClose(t *testing.T) {
	ws := testServer(t, nil)
	for _, tc := range []struct {
		query  string
		code   websocket.StatusCode
		reason string
	}{
		{"code=4001&reason=x", 4001, "x"},
		{"", 1000, ""},
		{"code=3000&reason=" + strings.Repeat("r", 123), 3000, strings.Repeat("r", 123)},
		{"code=1005", 1005, ""},
	} {
		id := "close" + fmt.Sprint(tc.code)
		c := dial(t, ws+"/close?id="+id+"&"+tc.query, nil)
		// Read answers the close frame with the same code and reason.
		_, _, err := c.Read(testContext(t))
		checkClose(t, err, tc.code, tc.reason)
		checkLines(t, observe(t, ws, id),
			`request protocols="" extensions=""`,
			fmt.Sprintf("close %d %q", tc.code, tc.reason))
	}
}

func TestCloseEmpty(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/close-empty?id=ce", nil)
	_, _, err := c.Read(testContext(t))
	checkClose(t, err, websocket.StatusNoStatusRcvd, "")
	checkLines(t, observe(t, ws, "ce"), `request protocols="" extensions=""`, `close 1005 ""`)
}

func TestCloseNoReply(t *testing.T) {
	s := New(nil)
	s.closeWait = 100 * time.Millisecond
	ws := testServer(t, s)
	// A client that never reads never answers the close frame.
	dial(t, ws+"/close?id=nr&code=4002", nil)
	checkLines(t, observe(t, ws, "nr"), `request protocols="" extensions=""`, "gone")
}

func TestDrop(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/drop?id=d", nil)
	_, _, err := c.Read(testContext(t))
	if err == nil || websocket.CloseStatus(err) != -1 {
		t.Fatalf("read after drop: %v, want an error without close frame", err)
	}
	checkLines(t, observe(t, ws, "d"), `request protocols="" extensions=""`, "dropped")
}

func TestRefuse(t *testing.T) {
	ws := testServer(t, nil)
	for _, tc := range []struct {
		query string
		want  int
	}{
		{"", 403},
		{"status=403", 403},
		{"status=503", 503},
		{"status=200", 200},
		{"status=101", 400},
		{"status=x", 400},
	} {
		id := "ref" + tc.query
		_, resp, err := websocket.Dial(testContext(t), ws+"/refuse?id="+id+"&"+tc.query, nil)
		if err == nil {
			t.Fatalf("%s: dial succeeded", tc.query)
		}
		if resp == nil || resp.StatusCode != tc.want {
			t.Fatalf("%s: response %v, want status %d", tc.query, resp, tc.want)
		}
		checkLines(t, observe(t, ws, id), fmt.Sprintf("refused %d", tc.want))
	}
}

func TestBadParams(t *testing.T) {
	ws := testServer(t, nil)
	for _, q := range []string{"/close?code=x", "/close?code=70000", "/push?n=-1", "/push?code=x"} {
		_, resp, err := websocket.Dial(testContext(t), ws+q+"&id=bad", nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %v %v, want status 400", q, resp, err)
		}
	}
	// A raw endpoint refuses a request that is no handshake.
	resp, err := http.Get("http" + strings.TrimPrefix(ws, "ws") + "/drop?id=bad")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain GET /drop: status %d", resp.StatusCode)
	}
	// coder/websocket answers that with 426.
	resp, err = http.Get("http" + strings.TrimPrefix(ws, "ws") + "/echo?id=bad")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUpgradeRequired {
		t.Errorf("plain GET /echo: status %d", resp.StatusCode)
	}
	checkLines(t, observe(t, ws, "bad"), append(slices.Repeat([]string{"refused 400"}, 5), "refused 426")...)
}

func TestPush(t *testing.T) {
	ws := testServer(t, nil)
	c := dial(t, ws+"/push?id=push&n=3&code=1000&reason=done", nil)
	ctx := testContext(t)
	for i := 1; i <= 3; i++ {
		typ, data, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("push %d", i); typ != websocket.MessageText || string(data) != want {
			t.Fatalf("got %v %q, want text %q", typ, data, want)
		}
		if i == 2 {
			// Sent before the client sees the close frame: recorded
			// before its reply.
			if err := c.Write(ctx, websocket.MessageText, []byte("hi")); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, _, err := c.Read(ctx)
	checkClose(t, err, 1000, "done")
	checkLines(t, observe(t, ws, "push"), `request protocols="" extensions=""`, "recv text 2", `close 1000 "done"`)

	c = dial(t, ws+"/push?id=push0", nil)
	_, _, err = c.Read(ctx)
	checkClose(t, err, 1000, "")
}

func TestRawFrames(t *testing.T) {
	ws := testServer(t, nil)

	rc := dialRaw(t, ws, "/pick?id=raw1")
	rc.send(false, wsframe.OpText, []byte("ab"))
	rc.send(false, wsframe.OpContinuation, []byte("cd"))
	rc.send(true, wsframe.OpPing, []byte("p"))
	if op, p := rc.recv(); op != wsframe.OpPong || string(p) != "p" {
		t.Fatalf("got opcode %d %q, want pong", op, p)
	}
	rc.send(true, wsframe.OpContinuation, []byte("e"))
	rc.send(true, wsframe.OpBinary, nil)
	rc.send(true, wsframe.OpClose, binary.BigEndian.AppendUint16(nil, 3001))
	if op, p := rc.recv(); op != wsframe.OpClose || binary.BigEndian.Uint16(p) != 3001 || len(p) != 2 {
		t.Fatalf("got opcode %d %q, want the close frame echoed", op, p)
	}
	checkLines(t, observe(t, ws, "raw1"),
		`request protocols="" extensions=""`, "recv text 5", "recv binary 0", `close 3001 ""`)

	rc = dialRaw(t, ws, "/close-empty?id=raw2")
	if op, p := rc.recv(); op != wsframe.OpClose || len(p) != 0 {
		t.Fatalf("got opcode %d %q, want an empty close frame", op, p)
	}
	rc.send(true, wsframe.OpClose, []byte{3})
	checkLines(t, observe(t, ws, "raw2"), `request protocols="" extensions=""`, `bad close "\x03"`)
}
