//go:build !js

package scenario

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// The raw side of the server: just enough of RFC 6455 to do on purpose what
// a correct library refuses to do, and to see the client's frames exactly.
// No extensions, no compression, no UTF-8 checks: the server records, the
// client under test is the one being judged.

// Opcodes, RFC 6455 section 5.2.
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xA
)

// maxControlRead bounds what the reader keeps of a control frame. A valid
// one has at most 125 bytes; a longer one is read (to see the code) but not
// kept without bound.
const maxControlRead = 1 << 16

// acceptKey is Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455
// section 4.2.2): the key with the protocol's GUID appended, SHA-1, base64.
func acceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key))
	h.Write([]byte("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

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
		"Sec-WebSocket-Accept: %s\r\n", acceptKey(key))
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
	bw.Write(appendFrame(nil, 0x80|opcode, false, payload))
	return bw.Flush()
}

// appendFrame appends a frame to b: first is the first byte (FIN, RSV bits
// and opcode) as it goes on the wire; masked masks the payload with a fixed
// key, which a server must never do.
func appendFrame(b []byte, first byte, masked bool, payload []byte) []byte {
	b = append(b, first)
	var maskBit byte
	if masked {
		maskBit = 0x80
	}
	switch l := len(payload); {
	case l <= 125:
		b = append(b, maskBit|byte(l))
	case l <= 0xFFFF:
		b = append(b, maskBit|126)
		b = binary.BigEndian.AppendUint16(b, uint16(l))
	default:
		b = append(b, maskBit|127)
		b = binary.BigEndian.AppendUint64(b, uint64(l))
	}
	if !masked {
		return append(b, payload...)
	}
	key := [4]byte{0x5a, 0x17, 0xc3, 0x2e}
	b = append(b, key[:]...)
	for i, c := range payload {
		b = append(b, c^key[i%4])
	}
	return b
}

// closePayload is the payload of a close frame with code and reason; code
// 1005 (no status) gives an empty payload, as no status is on the wire.
func closePayload(code uint16, reason string) []byte {
	if code == 1005 {
		return nil
	}
	p := binary.BigEndian.AppendUint16(nil, code)
	return append(p, reason...)
}

// frameHeader is a frame's header as read from the client.
type frameHeader struct {
	fin    bool
	opcode byte
	masked bool
	mask   [4]byte
	length uint64
}

func readFrameHeader(br *bufio.Reader) (frameHeader, error) {
	var h frameHeader
	var b [8]byte
	if _, err := io.ReadFull(br, b[:2]); err != nil {
		return h, err
	}
	h.fin = b[0]&0x80 != 0
	h.opcode = b[0] & 0x0F
	h.masked = b[1]&0x80 != 0
	h.length = uint64(b[1] & 0x7F)
	switch h.length {
	case 126:
		if _, err := io.ReadFull(br, b[:2]); err != nil {
			return h, err
		}
		h.length = uint64(binary.BigEndian.Uint16(b[:2]))
	case 127:
		if _, err := io.ReadFull(br, b[:8]); err != nil {
			return h, err
		}
		h.length = binary.BigEndian.Uint64(b[:8])
	}
	if h.masked {
		if _, err := io.ReadFull(br, h.mask[:]); err != nil {
			return h, err
		}
	}
	return h, nil
}

// readControlPayload reads and unmasks the payload of a control frame.
func readControlPayload(br *bufio.Reader, h frameHeader) ([]byte, error) {
	if h.length > maxControlRead {
		return nil, fmt.Errorf("control frame of %d bytes", h.length)
	}
	p := make([]byte, h.length)
	if _, err := io.ReadFull(br, p); err != nil {
		return nil, err
	}
	if h.masked {
		for i := range p {
			p[i] ^= h.mask[i%4]
		}
	}
	return p, nil
}

// errBadFrame ends a raw read loop on a frame the server cannot read past;
// the connection then counts as gone.
var errBadFrame = errors.New("bad frame")

func checkFrame(h frameHeader) error {
	switch h.opcode {
	case opContinuation, opText, opBinary, opClose, opPing, opPong:
	default:
		return fmt.Errorf("%w: opcode %#x", errBadFrame, h.opcode)
	}
	if h.length > 1<<62 {
		return fmt.Errorf("%w: length %d", errBadFrame, h.length)
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
		if err := send(opClose, p); err != nil {
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
		h, err := readFrameHeader(br)
		if err == nil {
			err = checkFrame(h)
		}
		if err != nil {
			ss.logf("raw read: %v", err)
			ss.record("gone")
			return nil, false
		}
		switch h.opcode {
		case opClose, opPing, opPong:
			p, err := readControlPayload(br, h)
			if err != nil {
				ss.logf("raw read: %v", err)
				ss.record("gone")
				return nil, false
			}
			switch h.opcode {
			case opPing:
				if err := send(opPong, p); err != nil {
					ss.logf("raw pong: %v", err)
				}
				continue
			case opPong:
				continue
			}
			switch len(p) {
			case 0:
				ss.record("close 1005 %q", "")
			case 1:
				// Not a valid close frame; say so rather than invent a code.
				ss.record("bad close %q", p)
			default:
				ss.record("close %d %q", binary.BigEndian.Uint16(p), p[2:])
			}
			return p, true
		case opText, opBinary:
			msgOpcode, msgLen = h.opcode, 0
		}
		msgLen += h.length
		if _, err := io.CopyN(io.Discard, br, int64(h.length)); err != nil {
			ss.logf("raw read: %v", err)
			ss.record("gone")
			return nil, false
		}
		if h.fin {
			kind := "text"
			if msgOpcode == opBinary {
				kind = "binary"
			}
			ss.record("recv %s %d", kind, msgLen)
		}
	}
}
