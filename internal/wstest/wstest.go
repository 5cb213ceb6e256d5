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
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/go-wsapi/wsapi/internal/wsframe"
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

// Header is f's header.
func (f Frame) Header() wsframe.Header {
	return wsframe.Header{Fin: f.Fin, RSV: f.RSV, Op: f.Op, Masked: f.Masked, Mask: f.Mask, Length: uint64(len(f.Payload))}
}

// Append appends f's wire form to b, masking the payload if f.Masked. The
// length takes the shortest of the three encodings, as RFC 6455 requires.
func (f Frame) Append(b []byte) []byte {
	b = f.Header().Append(b)
	n := len(b)
	b = append(b, f.Payload...)
	if f.Masked {
		wsframe.Mask(f.Mask, 0, b[n:])
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
	var b [wsframe.MaxHeaderLen]byte
	if _, err := io.ReadFull(r, b[:2]); err != nil {
		return f, 0, err
	}
	hl := wsframe.Len(b[1])
	if _, err := io.ReadFull(r, b[2:hl]); err != nil {
		return f, 0, noEOF(err)
	}
	h, _, _ := wsframe.Decode(b[:hl])
	f = Frame{Fin: h.Fin, RSV: h.RSV, Op: h.Op, Masked: h.Masked, Mask: h.Mask}
	return f, h.Length, nil
}

// ReadPayload reads the n bytes of f's payload into f.Payload, unmasked.
func (f *Frame) ReadPayload(r io.Reader, n uint64) error {
	f.Payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return noEOF(err)
	}
	if f.Masked {
		wsframe.Mask(f.Mask, 0, f.Payload)
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
	if got := resp.Header.Get("Sec-WebSocket-Accept"); got != wsframe.AcceptKey(key) {
		return nil, fmt.Errorf("Sec-WebSocket-Accept %q, want %q", got, wsframe.AcceptKey(key))
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
		"Sec-WebSocket-Accept: %s\r\n", wsframe.AcceptKey(key))
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
