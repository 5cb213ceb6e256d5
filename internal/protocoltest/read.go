//go:build !js

package protocoltest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/go-wsapi/wsapi/internal/wsframe"
	"github.com/go-wsapi/wsapi/internal/wstest"
)

// maxFrame bounds what the tester reads of one frame from the peer.
const maxFrame = 1 << 20

// read reads the peer's frames until the connection ends.
func (t *tester) read() {
	defer close(t.readDone)
	var msg []byte
	var msgOp byte // the opcode of the message being reassembled; 0 if none
	for {
		f, err := wstest.ReadFrame(t.br, maxFrame)
		if err != nil {
			t.update(func() { t.readError(err) })
			return
		}
		t.update(func() {
			if fault := t.check(f, msgOp); fault != "" {
				t.obs.Faults = append(t.obs.Faults, fault)
			}
			var r *Reply
			switch f.Op {
			case wsframe.OpText, wsframe.OpBinary:
				msgOp, msg = f.Op, append([]byte(nil), f.Payload...)
			case wsframe.OpContinuation:
				msg = append(msg, f.Payload...)
			case wsframe.OpPing:
				r = &Reply{Kind: "ping", Data: f.Payload}
			case wsframe.OpPong:
				r = &Reply{Kind: "pong", Data: f.Payload}
			case wsframe.OpClose:
				if t.obs.Close != nil {
					r = &Reply{Kind: "close", Data: f.Payload}
					break
				}
				code, reason, ok := wsframe.ParseClose(f.Payload)
				t.obs.Close = &CloseFrame{Code: code, Reason: reason, Bad: !ok}
				t.obs.CloseFirst = !t.sentClose
				t.closed = true
				return
			}
			if f.Fin && msgOp != 0 && (f.Op == wsframe.OpText || f.Op == wsframe.OpBinary || f.Op == wsframe.OpContinuation) {
				kind := map[byte]string{wsframe.OpText: "text", wsframe.OpBinary: "binary"}[msgOp]
				r = &Reply{Kind: kind, Data: msg}
				msgOp, msg = 0, nil
			}
			switch {
			case r == nil:
			case t.obs.Close != nil:
				t.obs.After = append(t.obs.After, *r)
			default:
				t.obs.Replies = append(t.obs.Replies, *r)
			}
		})
	}
}

// readError records how the connection ended, with t.mu held.
func (t *tester) readError(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, net.ErrClosed):
		// Run closed the connection: the peer had not.
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		// A peer that closes with unread data in its buffer resets the
		// connection: an end all the same.
		t.obs.EOF = true
		t.obs.Dropped = t.obs.Close == nil && !t.sentClose
	case errors.As(err, &ne) && ne.Timeout():
		// CaseTimeout: Run reports the hang.
	default:
		t.obs.Faults = append(t.obs.Faults, "read: "+err.Error())
		t.obs.EOF = errors.Is(err, io.ErrUnexpectedEOF)
	}
	t.closed = true
}

// check says what is wrong with a frame from the peer, for its role, or "".
func (t *tester) check(f wstest.Frame, msgOp byte) string {
	switch {
	case t.role == AsClient && f.Masked:
		return "masked frame from the server"
	case t.role == AsServer && !f.Masked:
		return "unmasked frame from the client"
	case f.RSV != 0:
		return fmt.Sprintf("reserved bits %03b", f.RSV)
	case f.Op > wsframe.OpBinary && f.Op < wsframe.OpClose || f.Op > wsframe.OpPong:
		return fmt.Sprintf("reserved opcode %d", f.Op)
	case f.IsControl() && (!f.Fin || len(f.Payload) > 125):
		return fmt.Sprintf("bad control frame (fin %t, %d bytes)", f.Fin, len(f.Payload))
	case f.Op == wsframe.OpContinuation && msgOp == 0:
		return "continuation without a message"
	case (f.Op == wsframe.OpText || f.Op == wsframe.OpBinary) && msgOp != 0:
		return "new message inside a fragmented one"
	}
	return ""
}
