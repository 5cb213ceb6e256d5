package wsframe

import (
	"bytes"
	"testing"
)

// TestAcceptKey checks the example of RFC 6455 section 1.3.
func TestAcceptKey(t *testing.T) {
	if got, want := AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("AcceptKey = %q, want %q", got, want)
	}
}

// headers covers each length encoding at its edges, masked or not, with
// every bit of the first byte used somewhere.
func headers() []Header {
	var hs []Header
	for _, n := range []uint64{0, 1, 125, 126, 65535, 65536, 1<<63 - 1} {
		for _, masked := range []bool{false, true} {
			h := Header{Fin: n%2 == 0, RSV: byte(n % 8), Op: byte(n % 16), Masked: masked, Length: n}
			if masked {
				h.Mask = [4]byte{1, 2, 3, byte(n)}
			}
			hs = append(hs, h)
		}
	}
	return hs
}

func TestDecodeAppend(t *testing.T) {
	for _, h := range headers() {
		b := h.Append(nil)
		if Len(b[1]) != len(b) {
			t.Errorf("%+v: Len says %d, header is %d bytes", h, Len(b[1]), len(b))
		}
		want := map[bool]int{false: 2, true: 6}[h.Masked]
		switch {
		case h.Length > 65535:
			want += 8
		case h.Length > 125:
			want += 2
		}
		if len(b) != want {
			t.Errorf("%+v: %d header bytes, want the shortest encoding's %d", h, len(b), want)
		}
		got, n, ok := Decode(append(b, 0xEE)) // a payload byte after it
		if !ok || n != len(b) || got != h {
			t.Errorf("Decode(Append(%+v)) = %+v, %d, %t", h, got, n, ok)
		}
		if _, _, ok := Decode(b[:len(b)-1]); ok {
			t.Errorf("%+v: a header short of a byte decoded", h)
		}
	}
}

// TestDecodeLengthMSB: the reserved top bit of a 64-bit length is dropped,
// so that no length overflows an int64 downstream.
func TestDecodeLengthMSB(t *testing.T) {
	b := []byte{0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 5}
	if h, _, _ := Decode(b); h.Length != 5 {
		t.Errorf("length %d, want 5", h.Length)
	}
}

// TestFollower feeds a stream of frames in chunks of every size from 1 up
// and checks that the follower finds each header once, in order, whatever
// the cut.
func TestFollower(t *testing.T) {
	var stream []byte
	var want []Header
	for _, h := range headers() {
		if h.Length > 70000 {
			continue
		}
		want = append(want, h)
		stream = h.Append(stream)
		stream = append(stream, bytes.Repeat([]byte{0x7F}, int(h.Length))...)
	}
	for _, chunk := range []int{1, 2, 3, 7, 14, 100, 4096, len(stream)} {
		var f Follower
		var got []Header
		for b := stream; len(b) > 0; {
			c := b[:min(chunk, len(b))]
			b = b[len(c):]
			for len(c) > 0 {
				n, h, ok := f.Advance(c)
				if n == 0 {
					t.Fatalf("chunk %d: Advance consumed nothing", chunk)
				}
				c = c[n:]
				if ok {
					got = append(got, h)
				}
			}
			if len(b) > 0 && f.InHeader() && f.AtBoundary() {
				t.Fatalf("chunk %d: inside a header and at a boundary at once", chunk)
			}
		}
		if !f.AtBoundary() {
			t.Errorf("chunk %d: not at a boundary at the end of the stream", chunk)
		}
		if len(got) != len(want) {
			t.Fatalf("chunk %d: %d headers, want %d", chunk, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("chunk %d: header %d = %+v, want %+v", chunk, i, got[i], want[i])
			}
		}
	}
}

func TestClosePayload(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
	}{{NoStatus, ""}, {1000, ""}, {4001, "bye"}, {1005, "odd"}, {0, ""}} {
		code, reason, ok := ParseClose(ClosePayload(tc.code, tc.reason))
		if !ok || code != tc.code || reason != tc.reason {
			t.Errorf("ParseClose(ClosePayload(%d, %q)) = %d, %q, %t", tc.code, tc.reason, code, reason, ok)
		}
	}
	if len(ClosePayload(NoStatus, "")) != 0 {
		t.Error("no status: payload not empty")
	}
	if _, _, ok := ParseClose([]byte{3}); ok {
		t.Error("a 1-byte payload parsed")
	}
}
