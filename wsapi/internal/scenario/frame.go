//go:build !js

package scenario

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// The raw side of the server: just enough of RFC 6455 to do on purpose what
// a correct library refuses to do, and to see the client's frames exactly.
// No extensions, no compression, no UTF-8 checks: the server records, the
// client under test is the one being judged.

// maxControlRead bounds what the reader keeps of a control frame. A valid
// one has at most 125 bytes; a longer one is read (to see the code) but not
// kept without bound.
const maxControlRead = 1 << 16

// checkHandshake says why r is not a WebSocket opening handshake, or "".
func checkHandshake(r *http.Request) string {
	switch {
	case r.Method != http.MethodGet:
		return "handshake method is not GET"
	case !headerHasToken(r.Header, "Connection", "upgrade"):
		return "Connection header lacks upgrade"
	case !headerHasToken(r.Header, "Upgrade", "websocket"):
		return "Upgrade header lacks websocket"
	case r.Header.Get("Sec-WebSocket-Version") != "13":
		return "Sec-WebSocket-Version is not 13"
	case strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key")) == "":
		return "no Sec-WebSocket-Key"
	}
	return ""
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// handshakeReply is what a raw endpoint answers beyond the required
// headers: a subprotocol and extensions named whatever the client offered,
// or a wrong Sec-WebSocket-Accept.
type handshakeReply struct {
	protocol   *string // Sec-WebSocket-Protocol, when non-nil
	extensions *string // Sec-WebSocket-Extensions, when non-nil
	badAccept  bool    // answer with the accept key of another key
}

// writeHandshake writes the 101 response.
func writeHandshake(bw *bufio.Writer, r *http.Request, reply handshakeReply) error {
	key := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if reply.badAccept {
		key += "x"
	}
	fmt.Fprintf(bw, "HTTP/1.1 101 Switching Protocols\r\n"+
		"Upgrade: websocket\r\n"+
		"Connection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: %s\r\n", wsframe.AcceptKey(key))
	if reply.protocol != nil {
		fmt.Fprintf(bw, "Sec-WebSocket-Protocol: %s\r\n", *reply.protocol)
	}
	if reply.extensions != nil {
		fmt.Fprintf(bw, "Sec-WebSocket-Extensions: %s\r\n", *reply.extensions)
	}
	bw.WriteString("\r\n")
	return bw.Flush()
}

// writeFrame writes one unmasked, final frame, as a server must.
func writeFrame(bw *bufio.Writer, opcode byte, payload []byte) error {
	bw.Write(wstest.Frame{Fin: true, Op: opcode, Payload: payload}.Append(nil))
	return bw.Flush()
}

// closePayload is the payload of a close frame with code and reason; code
// 1005 (no status) gives an empty payload, whatever the reason, as no
// status is on the wire.
func closePayload(code uint16, reason string) []byte {
	if code == wsframe.NoStatus {
		return nil
	}
	return wsframe.ClosePayload(int(code), reason)
}

// readControlPayload reads the payload of a control frame of n bytes.
func readControlPayload(br *bufio.Reader, h *wstest.Frame, n uint64) ([]byte, error) {
	if n > maxControlRead {
		return nil, fmt.Errorf("control frame of %d bytes", n)
	}
	err := h.ReadPayload(br, n)
	return h.Payload, err
}

// errBadFrame ends a raw read loop on a frame the server cannot read past;
// the connection then counts as gone.
var errBadFrame = errors.New("bad frame")

func checkFrame(h wstest.Frame, n uint64) error {
	switch h.Op {
	case wsframe.OpContinuation, wsframe.OpText, wsframe.OpBinary, wsframe.OpClose, wsframe.OpPing, wsframe.OpPong:
	default:
		return fmt.Errorf("%w: opcode %#x", errBadFrame, h.Op)
	}
	if n > 1<<62 {
		return fmt.Errorf("%w: length %d", errBadFrame, n)
	}
	return nil
}

// readUntilClose reads the client's frames until its close frame or the end
// of the connection, recording messages, then the close frame or `gone`.
// With echoClose the close frame's payload is sent back, completing a close
// the client started; without it the server had sent its close frame
// already. Pings are answered, so that the connection looks alive to a
// client that checks.
func (ss *session) readUntilClose(br *bufio.Reader, bw *bufio.Writer, echoClose bool) {
	send := func(opcode byte, p []byte) error { return writeFrame(bw, opcode, p) }
	p, ok := ss.readClientClose(br, send)
	if ok && echoClose {
		if err := send(wsframe.OpClose, p); err != nil {
			ss.logf("raw close reply: %v", err)
		}
	}
}

// readClientClose is the loop of readUntilClose: it records what the client
// sends, answers pings with send, and returns the payload of the client's
// close frame, or false when the connection ended first.
func (ss *session) readClientClose(br *bufio.Reader, send func(opcode byte, p []byte) error) ([]byte, bool) {
	var msgOpcode byte
	var msgLen uint64
	for {
		h, n, err := wstest.ReadHeader(br)
		if err == nil {
			err = checkFrame(h, n)
		}
		if err != nil {
			ss.logf("raw read: %v", err)
			ss.record("gone")
			return nil, false
		}
		switch h.Op {
		case wsframe.OpClose, wsframe.OpPing, wsframe.OpPong:
			p, err := readControlPayload(br, &h, n)
			if err != nil {
				ss.logf("raw read: %v", err)
				ss.record("gone")
				return nil, false
			}
			switch h.Op {
			case wsframe.OpPing:
				if err := send(wsframe.OpPong, p); err != nil {
					ss.logf("raw pong: %v", err)
				}
				continue
			case wsframe.OpPong:
				continue
			}
			ss.recordClose(p)
			return p, true
		case wsframe.OpText, wsframe.OpBinary:
			msgOpcode, msgLen = h.Op, 0
		}
		msgLen += n
		if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
			ss.logf("raw read: %v", err)
			ss.record("gone")
			return nil, false
		}
		if h.Fin {
			kind := "text"
			if msgOpcode == wsframe.OpBinary {
				kind = "binary"
			}
			ss.record("recv %s %d", kind, msgLen)
		}
	}
}
