//go:build !js

package scenario

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
	"github.com/go-wsapi/wsapi/wsapitest"
)

// testServer starts s (a default Server when nil) and returns the ws:// base
// URL; the server stops at the end of the test.
func testServer(t *testing.T, s *Server) (ws string) {
	t.Helper()
	if s == nil {
		s = New(nil)
	}
	if testing.Verbose() {
		s.opts.Logf = t.Logf
	}
	base, stop, err := start(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return wsapitest.WebSocketURL(base)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func dial(t *testing.T, url string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	c, _, err := websocket.Dial(testContext(t), url, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// observe reads /observe?id=id to its end, checking that it ends with a
// 1000 close without reason.
func observe(t *testing.T, ws, id string) []string {
	t.Helper()
	c := dial(t, ws+"/observe?id="+id, nil)
	lines := []string{}
	for {
		typ, data, err := c.Read(testContext(t))
		if err != nil {
			var ce websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != websocket.StatusNormalClosure || ce.Reason != "" {
				t.Fatalf("observe %s ended with %v, want close 1000 \"\"", id, err)
			}
			return lines
		}
		if typ != websocket.MessageText {
			t.Fatalf("observe %s sent a %v message", id, typ)
		}
		lines = append(lines, string(data))
	}
}

func checkLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("observations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func checkClose(t *testing.T, err error, code websocket.StatusCode, reason string) {
	t.Helper()
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != code || ce.Reason != reason {
		t.Fatalf("got %v, want close %d %q", err, code, reason)
	}
}

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

func TestObserveUnknown(t *testing.T) {
	ws := testServer(t, nil)
	checkLines(t, observe(t, ws, "nobody"))
}

func TestObserveWaits(t *testing.T) {
	s := New(nil)
	ws := testServer(t, s)
	c := dial(t, ws+"/echo?id=w", nil)
	got := make(chan []string, 1)
	go func() { got <- observe(t, ws, "w") }()
	select {
	case lines := <-got:
		t.Fatalf("observe returned %q while the connection is open", lines)
	case <-time.After(200 * time.Millisecond):
	}
	if err := c.Close(websocket.StatusGoingAway, "later"); err != nil {
		t.Fatal(err)
	}
	checkLines(t, <-got, `request protocols="" extensions=""`, `close 1001 "later"`)
	checkLines(t, s.Observations("w"), `request protocols="" extensions=""`, `close 1001 "later"`)
	if got := s.Observations("nobody"); got != nil {
		t.Errorf("Observations of an unknown id: %q", got)
	}
}

func TestObserveTimeout(t *testing.T) {
	s := New(nil)
	s.observeWait = 100 * time.Millisecond
	ws := testServer(t, s)
	dial(t, ws+"/echo?id=slow", nil)
	checkLines(t, observe(t, ws, "slow"), `request protocols="" extensions=""`)
}

func TestLifetime(t *testing.T) {
	s := New(nil)
	s.life = 200 * time.Millisecond
	ws := testServer(t, s)
	for _, path := range []string{"/echo", "/pick"} {
		c := dial(t, ws+path+"?id=life"+path, nil)
		start := time.Now()
		_, _, err := c.Read(testContext(t))
		if err == nil || websocket.CloseStatus(err) != -1 {
			t.Fatalf("%s: read: %v, want the connection to end", path, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: ended after %v", path, d)
		}
		checkLines(t, observe(t, ws, "life"+path), `request protocols="" extensions=""`, "gone")
	}
}

func TestFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"page.html":   {Data: []byte("<p>hi</p>")},
		"js/run.js":   {Data: []byte("run()")},
		"scenes.json": {Data: []byte("{}")},
	}
	ws := testServer(t, New(&Options{Files: fsys}))
	base := "http" + strings.TrimPrefix(ws, "ws")
	for _, tc := range []struct{ path, body, ctype string }{
		{"/files/page.html", "<p>hi</p>", "text/html"},
		{"/files/js/run.js", "run()", "text/javascript"},
		{"/files/scenes.json", "{}", "application/json"},
	} {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != tc.body || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) {
			t.Errorf("%s: %d %q %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q", tc.path, cc)
		}
	}
	for _, p := range []string{"/files/missing", "/nothing"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d", p, resp.StatusCode)
		}
	}

	// Without Files, /files/ is not found.
	rec := httptest.NewRecorder()
	New(nil).ServeHTTP(rec, httptest.NewRequest("GET", "/files/page.html", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("no Files: status %d", rec.Code)
	}
}

func TestClosedServer(t *testing.T) {
	s := New(nil)
	s.Close()
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/refuse?id=x", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d after Close", rec.Code)
	}
}

func TestDeadURL(t *testing.T) {
	u, err := DeadURL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(u, "ws://127.0.0.1:") || !strings.HasSuffix(u, "/") {
		t.Fatalf("DeadURL %q", u)
	}
	_, _, err = websocket.Dial(testContext(t), u, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial %s: %v, want connection refused", u, err)
	}
}

// rawClient speaks to the raw endpoints byte by byte, for what
// coder/websocket never sends: fragments, pings, a broken close frame.
type rawClient struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	resp *http.Response // the handshake's
}

func dialRaw(t *testing.T, ws, path string) *rawClient {
	t.Helper()
	conn, br, resp := rawHandshake(t, ws, path)
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake: %d %q", resp.StatusCode, resp.Header)
	}
	return &rawClient{t: t, conn: conn, br: br, resp: resp}
}

// send writes one masked frame.
func (rc *rawClient) send(fin bool, opcode byte, payload []byte) {
	rc.t.Helper()
	b := wstest.Frame{Fin: fin, Op: opcode, Masked: true, Mask: [4]byte{1, 2, 3, 4}, Payload: payload}.Append(nil)
	if _, err := rc.conn.Write(b); err != nil {
		rc.t.Fatal(err)
	}
}

// recv reads one frame, which must be unmasked.
func (rc *rawClient) recv() (byte, []byte) {
	rc.t.Helper()
	h, err := wstest.ReadFrame(rc.br, maxControlRead)
	if err != nil {
		rc.t.Fatal(err)
	}
	if h.Masked || !h.Fin {
		rc.t.Fatalf("server frame masked=%v fin=%v", h.Masked, h.Fin)
	}
	return h.Op, h.Payload
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

// TestStopLeaks checks that stop ends every connection at once, whatever
// state its handler is in, and leaves no goroutine behind.
func TestStopLeaks(t *testing.T) {
	before := runtime.NumGoroutine()

	s := New(&Options{Files: fstest.MapFS{"f": {Data: []byte("f")}}})
	base, stop, err := start(s)
	if err != nil {
		t.Fatal(err)
	}
	ws := wsapitest.WebSocketURL(base)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var clients []*websocket.Conn
	for _, path := range []string{
		"/echo?id=l1",  // reading
		"/pick?id=l2",  // raw, reading
		"/close?id=l3", // raw, waiting for a close reply that never comes
		"/push?id=l4&n=2",
	} {
		c, _, err := websocket.Dial(ctx, ws+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// Waiting for l1's handler.
	obs, _, err := websocket.Dial(ctx, ws+"/observe?id=l1", nil)
	if err != nil {
		t.Fatal(err)
	}
	clients = append(clients, obs)
	hc := &http.Client{Transport: &http.Transport{}}
	resp, err := hc.Get(base + "/files/f")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // the keep-alive connection stays open

	// Let the handlers reach their waits.
	time.Sleep(50 * time.Millisecond)
	t0 := time.Now()
	stop()
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("stop took %v", d)
	}
	stop() // a second stop is harmless

	for _, c := range clients {
		c.CloseNow()
	}
	hc.CloseIdleConnections()

	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines before, %d after stop:\n%s", before, runtime.NumGoroutine(), buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
	checkLines(t, s.Observations("l1"), `request protocols="" extensions=""`, "gone")
}
