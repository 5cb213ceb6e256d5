// Package wsframe is the repository's one codec of RFC 6455 frame headers
// and of the handshake's accept key. coder/websocket keeps its own codec
// unexported, and three places here must see frames that it reads or
// writes: the native client's frame tap (wsapi/frametap_*native.go), which
// checks every server frame as Chrome does before coder/websocket sees it;
// the server's cork (server/cork.go), which must know a close frame when
// coder/websocket writes one; and the raw frames of the tests
// (internal/wstest). They all decode here.
//
// It only encodes and decodes: judging a header (a reserved bit, a masked
// server frame, a long control frame) is the caller's business.
package wsframe

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
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

// The reserved bits, as they sit in Header.RSV.
const (
	RSV1 byte = 4
	RSV2 byte = 2
	RSV3 byte = 1
)

// MaxHeaderLen is the longest a header can be: 2 bytes, an 8-byte length
// and a 4-byte masking key.
const MaxHeaderLen = 14

// Header is a frame header, RFC 6455 section 5.2.
type Header struct {
	Fin    bool
	RSV    byte // RSV1|RSV2|RSV3
	Op     byte
	Masked bool
	Mask   [4]byte
	Length uint64 // the payload's length
}

// IsControl reports whether h is of a close, ping, pong or a reserved
// control opcode (11-15).
func (h Header) IsControl() bool { return h.Op&0x8 != 0 }

// Len returns the length of the header whose second byte is b1: it depends
// on the length's encoding and on the mask bit only.
func Len(b1 byte) int {
	n := 2
	switch b1 & 0x7F {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// Decode decodes the header at the start of b, if b holds all of it, and
// returns its length too. The most significant bit of a 64-bit length,
// which RFC 6455 requires to be 0, is dropped.
func Decode(b []byte) (h Header, n int, ok bool) {
	if len(b) < 2 {
		return Header{}, 0, false
	}
	n = Len(b[1])
	if len(b) < n {
		return Header{}, 0, false
	}
	h = Header{
		Fin:    b[0]&0x80 != 0,
		RSV:    b[0] >> 4 & 7,
		Op:     b[0] & 0x0F,
		Masked: b[1]&0x80 != 0,
		Length: uint64(b[1] & 0x7F),
	}
	switch h.Length {
	case 126:
		h.Length = uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		h.Length = binary.BigEndian.Uint64(b[2:]) & (1<<63 - 1)
	}
	if h.Masked {
		copy(h.Mask[:], b[n-4:n])
	}
	return h, n, true
}

// Append appends h's wire form to b. The length takes the shortest of the
// three encodings, as RFC 6455 requires.
func (h Header) Append(b []byte) []byte {
	b0 := h.Op&0x0F | h.RSV&7<<4
	if h.Fin {
		b0 |= 0x80
	}
	var m byte
	if h.Masked {
		m = 0x80
	}
	switch n := h.Length; {
	case n <= 125:
		b = append(b, b0, m|byte(n))
	case n <= 0xFFFF:
		b = append(b, b0, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, b0, m|127)
		b = binary.BigEndian.AppendUint64(b, n)
	}
	if h.Masked {
		b = append(b, h.Mask[:]...)
	}
	return b
}

// Mask masks or unmasks p in place with key, as if p started at offset pos
// of a payload.
func Mask(key [4]byte, pos int, p []byte) {
	for i := range p {
		p[i] ^= key[(pos+i)%4]
	}
}

// Follower follows a stream of frames by their headers: it gathers the
// bytes of each header, whatever the chunks the stream comes in, and counts
// the payload down, never looking at it. Its zero value is at the start of
// a frame.
type Follower struct {
	hdr  [MaxHeaderLen]byte
	n    int    // header bytes gathered
	left uint64 // payload bytes to come
}

// AtBoundary reports whether the stream so far ends between two frames.
func (f *Follower) AtBoundary() bool { return f.n == 0 && f.left == 0 }

// InHeader reports whether the stream so far ends inside a header.
func (f *Follower) InHeader() bool { return f.n > 0 }

// Advance consumes the start of b: payload up to the end of the current
// frame, or header bytes up to the end of the header, which it then
// returns with ok true. Call it until b is consumed.
func (f *Follower) Advance(b []byte) (consumed int, h Header, ok bool) {
	if f.left > 0 {
		k := min(f.left, uint64(len(b)))
		f.left -= k
		return int(k), Header{}, false
	}
	if f.n == 0 {
		// The usual case: the whole header is in b.
		if h, hl, ok := Decode(b); ok {
			f.left = h.Length
			return hl, h, true
		}
	}
	for i, c := range b {
		f.hdr[f.n] = c
		f.n++
		if h, hl, ok := Decode(f.hdr[:f.n]); ok && hl == f.n {
			f.n = 0
			f.left = h.Length
			return i + 1, h, true
		}
	}
	return len(b), Header{}, false
}

// acceptGUID is RFC 6455's fixed GUID for Sec-WebSocket-Accept.
const acceptGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept value for a Sec-WebSocket-Key:
// base64 of the SHA-1 of the key with the protocol's GUID appended.
func AcceptKey(key string) string {
	h := sha1.Sum([]byte(key + acceptGUID))
	return base64.StdEncoding.EncodeToString(h[:])
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
