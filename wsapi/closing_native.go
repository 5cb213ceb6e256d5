//go:build !js

package wsapi

import (
	"errors"
	"io"
	"time"
)

// end decides how the connection ended, once coder is done reading, and
// completes the closing handshake where there is one to complete.
func (t *nativeTransport) end(readErr error) (CloseEvent, error) {
	tap := t.tap
	if pe := tap.failed(); pe != nil {
		return t.failProtocol(pe)
	}
	if sc := tap.closeReceived(); sc != nil {
		return t.closedByServer(sc)
	}
	if tap.wasCut() || tap.readError() != nil {
		// The closing handshake's deadline, or the network (the server
		// went away, a reset): the connection ended without a close
		// frame, and Chrome then fires close 1006 and no error, for it
		// did not fail the connection.
		return CloseEvent{Code: 1006}, nil
	}
	// coder/websocket failed the connection itself, and told the server
	// why: 1009 past Options.ReadLimit, 1002 with its own reason for a
	// protocol error the tap lets through. If a send was writing inline
	// as coder wrote that close frame, what the kernel did not take of it
	// waits in the tap's spill, and the writer that would flush it may not
	// run before the cut that follows: it goes out here, for failWriteWait
	// at most, as failProtocol's close frame does.
	timer := time.AfterFunc(failWriteWait, t.tap.cut)
	_ = t.tap.flush()
	timer.Stop()
	return CloseEvent{Code: 1006}, readErr
}

// failProtocol fails the connection on a frame Chrome refuses: close 1002
// with Chrome's reason, if no close frame went out yet, then TCP is cut, as
// Chrome does. The close frame waits for a frame coder/websocket is
// writing to end, for failWriteWait at most: giving up at once lost the
// close frame whenever an echo was on its way out.
func (t *nativeTransport) failProtocol(pe *protocolError) (CloseEvent, error) {
	timer := time.AfterFunc(failWriteWait, t.tap.cut)
	_ = t.tap.inject(1002, pe.reason, true)
	timer.Stop()
	t.tap.cut()
	return CloseEvent{Code: 1006}, pe
}

// closedByServer completes the closing handshake after the server's close
// frame, as Chrome does. The close event carries the server's code and
// reason, whoever closed first.
func (t *nativeTransport) closedByServer(sc *serverClose) (CloseEvent, error) {
	ce := CloseEvent{Code: sc.code, Reason: sc.reason, WasClean: true}
	if sc.afterOurs {
		// The client closed first, and the closing handshake is done:
		// Chrome waits a little more for the server to close TCP, as the
		// server should, then closes it itself.
		t.stopTimer()
		switch t.tap.awaitEnd(min(tcpCloseWait, t.closeTimeout)) {
		case tcpStray:
			return t.failProtocol(errAfterClose)
		case tcpBroken:
			ce.WasClean = false
		}
		return ce, nil
	}
	// The server closed first: answer with its code and reason, after
	// what was queued, then close TCP at once.
	t.echo(sc.code, sc.reason)
	t.stopWriter()
	if t.tap.stray {
		// More came after the close frame, in the same read.
		return t.failProtocol(errAfterClose)
	}
	t.mu.Lock()
	timedOut := t.timedOut
	t.mu.Unlock()
	if rerr := t.tap.readError(); timedOut || rerr != nil && !errors.Is(rerr, io.EOF) {
		ce.WasClean = false
	}
	return ce, nil
}

func (t *nativeTransport) close(code int, reason string) {
	if code == 0 {
		code = 1005 // close() without a code: a close frame without payload
	}
	t.queueClose(code, reason)
}

// echo answers the server's close frame, unless a close frame of the
// client's is queued already.
func (t *nativeTransport) echo(code int, reason string) { t.queueClose(code, reason) }

// queueClose queues the client's close frame after the messages queued, and
// starts the closing handshake's deadline.
func (t *nativeTransport) queueClose(code int, reason string) {
	t.mu.Lock()
	if t.closing || t.stop {
		// After stop the reader is done, and the close frame could not
		// go out: there is no handshake to wait for.
		t.closing = true
		t.mu.Unlock()
		return
	}
	t.closing = true
	t.out = append(t.out, outgoing{isClose: true, code: code, text: reason})
	if t.closeTimer == nil {
		t.closeTimer = time.AfterFunc(t.closeTimeout, t.closeTimedOut)
	}
	t.startWriterLocked()
	t.mu.Unlock()
}

// closeTimedOut cuts a connection whose closing handshake took too long:
// the server never answered, or never read what was queued before the
// close frame.
func (t *nativeTransport) closeTimedOut() {
	t.mu.Lock()
	t.timedOut = true
	tap := t.tap
	t.mu.Unlock()
	if tap != nil {
		tap.cut()
	}
}

func (t *nativeTransport) stopTimer() {
	t.mu.Lock()
	if t.closeTimer != nil {
		t.closeTimer.Stop()
	}
	t.mu.Unlock()
}

// stopWriter keeps the writer from starting again, and waits for the
// one that runs to write what is queued.
func (t *nativeTransport) stopWriter() {
	t.mu.Lock()
	t.stop = true
	t.mu.Unlock()
	t.writers.Wait()
}
