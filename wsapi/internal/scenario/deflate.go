//go:build !js

package scenario

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"io"
	"net/http"
	"strings"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// maxDeflateMessage bounds a message /deflate inflates, so that a client
// under test cannot make the server hold more.
const maxDeflateMessage = 4 << 20

// deflate is /deflate?ext=...: raw; answers the handshake with that
// Sec-WebSocket-Extensions, whatever was offered, as /pick does, then
// echoes every message, inflating the ones the client compressed (RSV1)
// with the context the answer agreed, and answering uncompressed, which
// RFC 7692 allows whatever was agreed. So the window sizes and context
// parameters of a permessage-deflate answer can be tried with messages
// that really cross: a client that compressed wrongly is echoed bytes that
// differ, or gets no echo. ?wire=1 adds "deflated" to each recv line of a
// compressed message, for native tests that look at the wire; the recorded
// traces do not use it, for clients choose freely what to compress.
func (ss *session) deflate(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ext := q.Get("ext")
	wire := q.Get("wire") == "1"
	_, brw, ok := ss.rawAccept(w, r, handshakeReply{extensions: &ext})
	if !ok {
		return
	}
	in := inflater{takeover: !strings.Contains(ext, "client_no_context_takeover")}
	send := func(opcode byte, p []byte) error { return writeFrame(brw.Writer, opcode, p) }
	var msg []byte
	var msgOp byte
	var compressed bool
	for {
		h, n, err := wstest.ReadHeader(brw.Reader)
		if err == nil {
			err = checkFrame(h, n)
		}
		if err == nil && n > maxDeflateMessage-uint64(len(msg)) {
			err = errBadFrame
		}
		if err == nil {
			err = h.ReadPayload(brw.Reader, n)
		}
		if err != nil {
			ss.logf("deflate read: %v", err)
			ss.record("gone")
			return
		}
		switch h.Op {
		case wsframe.OpPing:
			_ = send(wsframe.OpPong, h.Payload)
			continue
		case wsframe.OpPong:
			continue
		case wsframe.OpClose:
			ss.recordClose(h.Payload)
			if err := send(wsframe.OpClose, h.Payload); err != nil {
				ss.logf("deflate close reply: %v", err)
			}
			return
		case wsframe.OpText, wsframe.OpBinary:
			msg, msgOp, compressed = msg[:0], h.Op, h.RSV&wsframe.RSV1 != 0
		}
		msg = append(msg, h.Payload...)
		if !h.Fin {
			continue
		}
		data := msg
		if compressed {
			if data, err = in.inflate(msg); err != nil {
				ss.logf("deflate inflate: %v", err)
				ss.record("bad deflate")
				return
			}
		}
		kind := "text"
		if msgOp == wsframe.OpBinary {
			kind = "binary"
		}
		if wire && compressed {
			ss.record("recv %s %d deflated", kind, len(data))
		} else {
			ss.record("recv %s %d", kind, len(data))
		}
		if err := send(msgOp, data); err != nil {
			ss.logf("deflate echo: %v", err)
		}
	}
}

// recordClose records the payload of the client's close frame.
func (ss *session) recordClose(p []byte) {
	switch len(p) {
	case 0:
		ss.record("close 1005 %q", "")
	case 1:
		// Not a valid close frame; say so rather than invent a code.
		ss.record("bad close %q", p)
	default:
		ss.record("close %d %q", binary.BigEndian.Uint16(p), p[2:])
	}
}

// inflater reads the client's compressed messages of one connection. With
// context takeover a message may refer to the ones before it, so the last
// 32 KiB inflated (the largest window) are the next message's dictionary.
type inflater struct {
	takeover bool
	window   []byte
}

func (f *inflater) inflate(p []byte) ([]byte, error) {
	src := io.MultiReader(bytes.NewReader(p), strings.NewReader("\x00\x00\xff\xff"))
	var dict []byte
	if f.takeover {
		dict = f.window
	}
	zr := flate.NewReaderDict(src, dict)
	out, err := io.ReadAll(io.LimitReader(zr, maxDeflateMessage+1))
	if err == io.ErrUnexpectedEOF {
		// The sync-flush tail ends the data, not the stream.
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if f.takeover {
		f.window = append(f.window, out...)
		if len(f.window) > 32<<10 {
			f.window = append([]byte(nil), f.window[len(f.window)-32<<10:]...)
		}
	}
	return out, nil
}
