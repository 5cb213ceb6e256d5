//go:build !js

package server_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawConn is a client that does the handshake by hand, then only reads:
// it answers neither pings nor close frames, as a peer that is gone.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
}

func rawDial(t *testing.T, ts *testServer, path string) *rawConn {
	t.Helper()
	conn, err := net.Dial("tcp", ts.http.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(testTimeout))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
		path, ts.http.Listener.Addr())
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %s", resp.Status)
	}
	return &rawConn{t: t, conn: conn, br: br}
}

type rawFrame struct {
	opcode  byte
	payload string
}

func (f rawFrame) String() string {
	return fmt.Sprintf("{op %d %q}", f.opcode, f.payload)
}

// readFrames reads the server's frames until the connection ends, and
// returns them with what ended it.
func (r *rawConn) readFrames() ([]rawFrame, error) {
	var frames []rawFrame
	for {
		var h [2]byte
		if _, err := io.ReadFull(r.br, h[:]); err != nil {
			return frames, err
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(r.br, b[:]); err != nil {
				return frames, err
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(r.br, b[:]); err != nil {
				return frames, err
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		var p strings.Builder
		if _, err := io.CopyN(&p, r.br, int64(n)); err != nil {
			return frames, err
		}
		frames = append(frames, rawFrame{opcode: h[0] & 0x0f, payload: p.String()})
	}
}
