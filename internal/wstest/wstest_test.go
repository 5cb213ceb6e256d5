//go:build !js

package wstest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/internal/wsframe"
)

func TestFrameRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 70000} {
		for _, masked := range []bool{false, true} {
			p := bytes.Repeat([]byte{0xA5, 0x00, 0xFF}, n/3+1)[:n]
			f := Frame{Fin: n%2 == 0, RSV: wsframe.RSV1 | wsframe.RSV3, Op: wsframe.OpBinary, Masked: masked, Mask: [4]byte{1, 2, 3, 4}, Payload: p}
			b := f.Append(nil)
			header := map[bool]int{false: 2, true: 6}[masked]
			switch {
			case n > 65535:
				header += 8
			case n > 125:
				header += 2
			}
			if len(b) != header+n {
				t.Errorf("%d bytes, masked %t: frame of %d bytes, want %d", n, masked, len(b), header+n)
			}
			if masked && n > 0 && bytes.Equal(b[header:], p) {
				t.Errorf("%d bytes: masked payload written in the clear", n)
			}
			got, err := ReadFrame(bytes.NewReader(b), 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if got.Fin != f.Fin || got.RSV != f.RSV || got.Op != f.Op || got.Masked != masked || !bytes.Equal(got.Payload, p) {
				t.Errorf("%d bytes, masked %t: read back %+v", n, masked, got)
			}
		}
	}
}

func TestReadFrameErrors(t *testing.T) {
	b := Frame{Fin: true, Op: wsframe.OpText, Payload: make([]byte, 200)}.Append(nil)
	if _, err := ReadFrame(bytes.NewReader(b), 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader(b[:50]), 1000); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("cut in the payload: %v", err)
	}
	if _, err := ReadFrame(bytes.NewReader(nil), 1000); err != io.EOF {
		t.Errorf("between frames: %v, want io.EOF", err)
	}
}

// TestHandshake dials Upgrade and exchanges a frame each way.
func TestHandshake(t *testing.T) {
	done := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, br, err := Upgrade(w, r, http.Header{"X-Test": {"1"}})
		if err != nil {
			done <- err
			return
		}
		defer conn.Close()
		f, err := ReadFrame(br, 1000)
		if err == nil {
			_, err = conn.Write(Frame{Fin: true, Op: wsframe.OpText, Payload: f.Payload}.Append(nil))
		}
		done <- err
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, br, err := Dial(ctx, strings.TrimPrefix(srv.URL, "http://"), "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	conn.Write(Frame{Fin: true, Op: wsframe.OpText, Masked: true, Mask: [4]byte{9, 8, 7, 6}, Payload: []byte("hello")}.Append(nil))
	f, err := ReadFrame(bufio.NewReader(br), 1000)
	if err != nil || string(f.Payload) != "hello" || f.Masked {
		t.Errorf("echo %+v, %v", f, err)
	}
	if err := <-done; err != nil {
		t.Error(err)
	}
}
