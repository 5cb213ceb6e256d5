//go:build !js

// Package wstest reads and writes raw WebSocket frames (RFC 6455) and does
// the opening handshake by hand, for tests that must send what a correct
// library refuses to send: reserved bits and opcodes, oversized or
// fragmented control frames, masked frames from a server, broken UTF-8.
//
// Nothing here checks what it reads beyond what it needs to find the next
// frame: judging the peer is the test's business.
package wstest

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
)

// Opcodes, RFC 6455 section 5.2. 3-7 and 11-15 are reserved.
const (
	OpContinuation byte = 0x0
	OpText         byte = 0x1
	OpBinary       byte = 0x2
	OpClose        byte = 0x8
	OpPing         byte = 0x9
	OpPong         byte = 0xA
)

// The reserved bits, as they sit in Frame.RSV.
const (
	RSV1 byte = 4
	RSV2 byte = 2
	RSV3 byte = 1
)

// Frame is one frame as it goes on the wire.
type Frame struct {
	Fin    bool
	RSV    byte // RSV1|RSV2|RSV3
	Op     byte
	Masked bool
	Mask   [4]byte
	// Payload is unmasked: Append masks it, ReadFrame unmasks it.
	Payload []byte
}

// IsControl reports whether f is a close, ping, pong or a reserved control
// opcode (11-15).
func (f Frame) IsControl() bool { return f.Op&0x8 != 0 }

// Append appends f's wire form to b, masking the payload if f.Masked. The
// length takes the shortest of the three encodings, as RFC 6455 requires.
func (f Frame) Append(b []byte) []byte {
	b0 := f.Op&0x0F | f.RSV&7<<4
	if f.Fin {
		b0 |= 0x80
	}
	var m byte
	if f.Masked {
		m = 0x80
	}
	switch n := len(f.Payload); {
	case n <= 125:
		b = append(b, b0, m|byte(n))
	case n <= 0xFFFF:
		b = append(b, b0, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, b0, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if !f.Masked {
		return append(b, f.Payload...)
	}
	b = append(b, f.Mask[:]...)
	for i, c := range f.Payload {
		b = append(b, c^f.Mask[i%4])
	}
	return b
}

// ErrTooLarge is returned by ReadFrame for a frame longer than its limit.
var ErrTooLarge = errors.New("wstest: frame larger than the limit")

// Raw is the frame whose first byte on the wire is first (FIN, the RSV
// bits and the opcode, valid or not), with payload, masked when masked. The
// masking key is zero, which leaves the payload readable as it is on the
// wire (seeds of fuzz targets stay legible).
func Raw(first byte, masked bool, payload []byte) Frame {
	return Frame{
		Fin:     first&0x80 != 0,
		RSV:     first >> 4 & 7,
		Op:      first & 0x0F,
		Masked:  masked,
		Payload: payload,
	}
}

// ReadFrame reads one frame and unmasks its payload. A frame whose length
// exceeds limit is not read past its header: ReadFrame returns the header
// and an error wrapping ErrTooLarge.
func ReadFrame(r io.Reader, limit int64) (Frame, error) {
	f, n, err := ReadHeader(r)
	if err != nil {
		return f, err
	}
	if n > uint64(limit) {
		return f, fmt.Errorf("%w: %d bytes", ErrTooLarge, n)
	}
	return f, f.ReadPayload(r, n)
}

// ReadHeader reads one frame's header: the frame without its payload, and
// the payload's length, for the caller to read with ReadPayload or to skip.
// It returns io.EOF only for an end before the first byte.
func ReadHeader(r io.Reader) (f Frame, n uint64, err error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:2]); err != nil {
		return f, 0, err
	}
	f.Fin = h[0]&0x80 != 0
	f.RSV = h[0] >> 4 & 7
	f.Op = h[0] & 0x0F
	f.Masked = h[1]&0x80 != 0
	n = uint64(h[1] & 0x7F)
	switch n {
	case 126:
		if _, err := io.ReadFull(r, h[:2]); err != nil {
			return f, 0, noEOF(err)
		}
		n = uint64(binary.BigEndian.Uint16(h[:2]))
	case 127:
		if _, err := io.ReadFull(r, h[:8]); err != nil {
			return f, 0, noEOF(err)
		}
		n = binary.BigEndian.Uint64(h[:8])
	}
	if f.Masked {
		if _, err := io.ReadFull(r, f.Mask[:]); err != nil {
			return f, 0, noEOF(err)
		}
	}
	return f, n, nil
}

// ReadPayload reads the n bytes of f's payload into f.Payload, unmasked.
func (f *Frame) ReadPayload(r io.Reader, n uint64) error {
	f.Payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return noEOF(err)
	}
	if f.Masked {
		for i := range f.Payload {
			f.Payload[i] ^= f.Mask[i%4]
		}
	}
	return nil
}

// noEOF turns an EOF inside a frame into io.ErrUnexpectedEOF: only an EOF
// between frames is a clean end.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// NoStatus is the close code that stands for "no status": a close frame
// with an empty payload.
const NoStatus = 1005

// ClosePayload is the payload of a close frame with code and reason; code
// NoStatus with an empty reason gives an empty payload. Any other code is
// written as given, valid or not.
func ClosePayload(code int, reason string) []byte {
	if code == NoStatus && reason == "" {
		return []byte{}
	}
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// ParseClose splits a close payload into its code and reason: NoStatus for
// an empty payload, and ok false for a payload of one byte, which cannot
// hold a code.
func ParseClose(p []byte) (code int, reason string, ok bool) {
	switch len(p) {
	case 0:
		return NoStatus, "", true
	case 1:
		return 0, "", false
	}
	return int(binary.BigEndian.Uint16(p)), string(p[2:]), true
}

// acceptGUID is RFC 6455's fixed GUID for Sec-WebSocket-Accept.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept value for a Sec-WebSocket-Key:
// base64 of the SHA-1 of the key with the protocol's GUID appended.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
}

// NewKey returns a fresh Sec-WebSocket-Key: 16 random bytes in base64.
func NewKey() string {
	var b [16]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

// Dial connects to addr (host:port), sends an opening handshake for path
// with the extra header, and checks the 101 answer and its
// Sec-WebSocket-Accept. The returned reader holds whatever the server sent
// after its response; read the frames from it, write to the conn. ctx
// bounds the handshake only.
func Dial(ctx context.Context, addr, path string, header http.Header) (net.Conn, *bufio.Reader, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to dial: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	br, err := handshake(conn, addr, path, header)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("failed to handshake: %w", err)
	}
	return conn, br, nil
}

func handshake(conn net.Conn, host, path string, header http.Header) (*bufio.Reader, error) {
	key := NewKey()
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", path, host, key)
	header.Write(&b)
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != AcceptKey(key) {
		return nil, fmt.Errorf("Sec-WebSocket-Accept %q, want %q", got, AcceptKey(key))
	}
	return br, nil
}

// Upgrade answers an opening handshake with 101 and the extra header, and
// hands over the connection: the reader holds what the client sent after
// its request. It negotiates nothing (no extension, no subprotocol) unless
// header says so.
func Upgrade(w http.ResponseWriter, r *http.Request, header http.Header) (net.Conn, *bufio.Reader, error) {
	key := strings.TrimSpace(r.Header.Get("Sec-WebSocket-Key"))
	if key == "" || !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		http.Error(w, "not a WebSocket handshake", http.StatusBadRequest)
		return nil, nil, errors.New("not a WebSocket handshake")
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, nil, fmt.Errorf("failed to hijack: %w", err)
	}
	fmt.Fprintf(brw, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Accept: %s\r\n", AcceptKey(key))
	header.Write(brw)
	brw.WriteString("\r\n")
	if err := brw.Flush(); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("failed to answer: %w", err)
	}
	return conn, brw.Reader, nil
}

// WriteChopped writes b in pieces of at most chop bytes, one Write each,
// so that the peer may see a frame, or its header, arrive in parts. A chop
// of 0 or less writes b at once.
func WriteChopped(w io.Writer, b []byte, chop int) error {
	if chop <= 0 {
		chop = len(b)
	}
	for len(b) > 0 {
		n := min(chop, len(b))
		if _, err := w.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
