//go:build !js

package wsapi

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// frame builds a server frame: first is its first byte as on the wire.
func frame(first byte, masked bool, payload []byte) []byte {
	return wstest.Raw(first, masked, payload).Append(nil)
}

// chunkConn is a connection whose reads return the stream in chunks of a
// fixed size, and which records what is written.
type chunkConn struct {
	r      io.Reader
	chunk  int
	mu     sync.Mutex
	w      bytes.Buffer
	closed bool
}

func (c *chunkConn) Read(p []byte) (int, error) {
	return c.r.Read(p[:min(len(p), c.chunk)])
}

func (c *chunkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.Write(p)
}

func (c *chunkConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

func (c *chunkConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.w.Bytes())
}

// readAll reads the tap to its end, as coder would, through reads of n bytes.
func readAll(tap *frameTap, n int) ([]byte, error) {
	var got []byte
	buf := make([]byte, n)
	for {
		k, err := tap.Read(buf)
		got = append(got, buf[:k]...)
		if err != nil {
			return got, err
		}
	}
}

// TestFrameTapStream feeds the same stream through the tap in chunks of
// every size: coder must get exactly the frames before the close frame,
// and the tap the close frame; the tap counts each message once, when its
// last frame begins.
func TestFrameTapStream(t *testing.T) {
	var data []byte
	data = append(data, frame(0x81, false, []byte("hello"))...)
	data = append(data, frame(0x89, false, []byte("p"))...)
	data = append(data, frame(0x02, false, bytes.Repeat([]byte{7}, 300))...) // binary, not final
	data = append(data, frame(0x8A, false, nil)...)                          // a pong in between
	data = append(data, frame(0x80, false, bytes.Repeat([]byte{8}, 70000))...)
	data = append(data, frame(0x81, false, []byte{0x88, 0x88})...) // close's opcode in a payload
	wantCoder := bytes.Clone(data)
	data = append(data, frame(0x88, false, append([]byte{0x0f, 0xa0}, "bye"...))...)
	for _, chunk := range []int{1, 2, 3, 5, 7, 64, 4096, 1 << 20} {
		for _, readSize := range []int{1, 3, 4096, 1 << 20} {
			conn := &chunkConn{r: bytes.NewReader(data), chunk: chunk}
			tap := newFrameTap(conn, false)
			got, err := readAll(tap, readSize)
			if err != errCloseReceived || !bytes.Equal(got, wantCoder) {
				t.Fatalf("chunk %d, read %d: coder got %d bytes, %v; want %d bytes, errCloseReceived", chunk, readSize, len(got), err, len(wantCoder))
			}
			sc := tap.closeReceived()
			if sc == nil || sc.code != 4000 || sc.reason != "bye" || sc.afterOurs || tap.stray || tap.failed() != nil {
				t.Fatalf("chunk %d, read %d: close %+v, stray %v, failure %v", chunk, readSize, sc, tap.stray, tap.failed())
			}
			// hello, the fragmented binary once, the last text.
			if tap.finals != 3 {
				t.Fatalf("chunk %d, read %d: %d messages counted whole, want 3", chunk, readSize, tap.finals)
			}
		}
	}
}

func TestFrameTapRefuses(t *testing.T) {
	hello := frame(0x81, false, []byte("hello"))
	closeWith := func(p string) []byte { return frame(0x88, false, []byte(p)) }
	for _, tc := range []struct {
		name    string
		frame   []byte
		deflate bool
		want    *protocolError // nil: accepted
	}{
		{"masked", frame(0x81, true, []byte("x")), false, errMaskedFrame},
		{"rsv1 without deflate", frame(0xC1, false, []byte("x")), false, errReservedBit},
		{"rsv1 with deflate", frame(0xC1, false, []byte("x")), true, nil},
		{"rsv2", frame(0xA1, false, []byte("x")), true, errReservedBit},
		{"rsv3", frame(0x91, false, []byte("x")), true, errReservedBit},
		{"opcode 3", frame(0x83, false, nil), false, errUnknownOpcode},
		{"opcode 11", frame(0x8B, false, nil), false, errUnknownOpcode},
		{"continuation first", frame(0x80, false, []byte("x")), false, errUnexpectedCont},
		{"ping of 126", frame(0x89, false, make([]byte, 126)), false, errControlTooLong},
		{"ping of 125", frame(0x89, false, make([]byte, 125)), false, nil},
		{"close of 126", frame(0x88, false, make([]byte, 126)), false, errControlTooLong},
		{"masked close", frame(0x88, true, []byte{3, 232}), false, errMaskedFrame},
		{"fragmented close", frame(0x08, false, []byte{3, 232}), false, errFragmentedControl},
		{"close of 1 byte", closeWith("\x03"), false, errCloseSize},
		{"close 1005", closeWith("\x03\xed"), false, errCloseCode},
		{"close 1006", closeWith("\x03\xee"), false, errCloseCode},
		{"close 1015", closeWith("\x03\xf7"), false, errCloseCode},
		{"close 999", closeWith("\x03\xe7"), false, nil},
		{"close 5000", closeWith("\x13\x88"), false, nil},
		{"close 0", closeWith("\x00\x00"), false, nil},
		{"close reason not UTF-8", closeWith("\x03\xe8a\xffb"), false, errCloseUTF8},
		{"close reason U+FFFF", closeWith("\x03\xe8\xef\xbf\xbf"), false, nil},
	} {
		data := append(bytes.Clone(hello), tc.frame...)
		tap := newFrameTap(&chunkConn{r: bytes.NewReader(data), chunk: 3}, tc.deflate)
		got, _ := readAll(tap, 4096)
		if pe := tap.failed(); pe != tc.want {
			t.Errorf("%s: failure %v, want %v", tc.name, pe, tc.want)
			continue
		}
		// What came before reaches coder, a close frame never does, and
		// of a refused frame at most the part of its header that came in
		// an earlier read.
		_, hl, _ := wsframe.Decode(tc.frame)
		switch {
		case tc.frame[0]&0x0F == wsframe.OpClose:
			if !bytes.Equal(got, hello) {
				t.Errorf("%s: coder got %q, want only the frame before", tc.name, got)
			}
		case tc.want != nil:
			if !bytes.HasPrefix(data, got) || len(got) < len(hello) || len(got) >= len(hello)+hl {
				t.Errorf("%s: coder got %q, want the frame before and no whole header after", tc.name, got)
			}
		}
	}
}

func TestFrameTapStray(t *testing.T) {
	data := append(frame(0x88, false, []byte{0x0f, 0xa0, 'c'}), frame(0x81, false, []byte("late"))...)
	tap := newFrameTap(&chunkConn{r: bytes.NewReader(data), chunk: 4096}, false)
	if _, err := readAll(tap, 4096); err != errCloseReceived {
		t.Fatalf("read: %v", err)
	}
	if sc := tap.closeReceived(); sc == nil || sc.code != 4000 || !tap.stray {
		t.Errorf("close %+v, stray %v; want 4000 and stray bytes", sc, tap.stray)
	}
	if got := tap.awaitEnd(time.Second); got != tcpStray {
		t.Errorf("awaitEnd = %v, want tcpStray", got)
	}
}

// blockingConn reads nothing until closed, and records writes.
type blockingConn struct {
	chunkConn
	done chan struct{}
	once sync.Once
}

func (c *blockingConn) Read([]byte) (int, error) {
	<-c.done
	return 0, errors.New("use of closed connection")
}

func (c *blockingConn) Close() error {
	c.once.Do(func() { close(c.done) })
	return nil
}

func TestFrameTapAwaitEnd(t *testing.T) {
	// The server closes TCP right after its close frame.
	tap := newFrameTap(&chunkConn{r: bytes.NewReader(frame(0x88, false, nil)), chunk: 4096}, false)
	readAll(tap, 4096)
	if got := tap.awaitEnd(time.Second); got != tcpEOF {
		t.Errorf("after EOF: %v, want tcpEOF", got)
	}
	// The server keeps TCP open: the client closes it when the time is up.
	conn := &blockingConn{done: make(chan struct{})}
	tap = newFrameTap(conn, false)
	tap.received = &serverClose{code: 1000}
	start := time.Now()
	if got := tap.awaitEnd(50 * time.Millisecond); got != tcpTimeout {
		t.Errorf("open TCP: %v, want tcpTimeout", got)
	}
	if d := time.Since(start); d < 50*time.Millisecond || d > 2*time.Second {
		t.Errorf("waited %v", d)
	}
	if !tap.wasCut() {
		t.Errorf("not cut after the wait")
	}
}

// TestFrameTapInject checks that the client's close frame goes out between
// two of coder's frames, and that nothing of coder's follows it.
func TestFrameTapInject(t *testing.T) {
	conn := &chunkConn{r: strings.NewReader("")}
	tap := newFrameTap(conn, false)
	// coder writes a masked binary frame of 10 bytes in two writes.
	hdr := []byte{0x82, 0x80 | 10, 1, 2, 3, 4}
	if _, err := tap.Write(append(hdr, 0, 0, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if err := tap.inject(1000, "x", false); err == nil {
		t.Fatal("inject without waiting went out in the middle of a frame")
	}
	injected := make(chan error, 1)
	go func() { injected <- tap.inject(1000, "x", true) }()
	select {
	case err := <-injected:
		t.Fatalf("inject returned %v in the middle of a frame", err)
	case <-time.After(50 * time.Millisecond):
	}
	if _, err := tap.Write(make([]byte, 6)); err != nil {
		t.Fatal(err)
	}
	if err := <-injected; err != nil {
		t.Fatal(err)
	}
	// A pong of coder's after it goes nowhere.
	if n, err := tap.Write([]byte{0x8A, 0x80, 1, 2, 3, 4}); n != 6 || err != nil {
		t.Fatalf("write after the close frame: %d, %v", n, err)
	}
	if err := tap.inject(1000, "", true); err != errClosing {
		t.Errorf("a second close frame: %v, want errClosing", err)
	}
	w := conn.written()
	if len(w) != 16+2+4+3 {
		t.Fatalf("wrote %d bytes: %x", len(w), w)
	}
	cf := w[16:]
	if cf[0] != 0x88 || cf[1] != 0x80|3 {
		t.Fatalf("close frame header %x", cf[:2])
	}
	p := cf[6:]
	for i := range p {
		p[i] ^= cf[2+i%4]
	}
	if string(p) != "\x03\xe8x" {
		t.Errorf("close payload %q", p)
	}
	if got := closeFrame(1005, "ignored"); len(got) != 6 || got[1] != 0x80 {
		t.Errorf("close frame without status: %x", got)
	}

	// A cut ends a waiting inject.
	tap = newFrameTap(&chunkConn{r: strings.NewReader("")}, false)
	tap.Write(hdr)
	go func() { injected <- tap.inject(1000, "", true) }()
	time.Sleep(20 * time.Millisecond)
	tap.cut()
	if err := <-injected; err == nil {
		t.Error("inject after a cut: no error")
	}
}

// TestFrameTapNoEOF checks that coder never reads io.EOF, which it takes
// for the end of a message: a fragmented message cut by the end of the
// connection or by a close frame must not reach the page.
func TestFrameTapNoEOF(t *testing.T) {
	part := frame(0x01, false, []byte("part"))
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"end of TCP", part, errServerEOF},
		{"close frame", append(bytes.Clone(part), frame(0x88, false, []byte{3, 232})...), errCloseReceived},
		{"end of TCP in the close frame", append(bytes.Clone(part), 0x88, 2, 3), errServerEOF},
	} {
		tap := newFrameTap(&chunkConn{r: bytes.NewReader(tc.data), chunk: 4096}, false)
		got, err := readAll(tap, 4096)
		if err != tc.want || !bytes.Equal(got, part) {
			t.Errorf("%s: coder got %q, %v; want %q, %v", tc.name, got, err, part, tc.want)
		}
	}
}
