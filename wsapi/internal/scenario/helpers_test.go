//go:build !js

package scenario

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
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
