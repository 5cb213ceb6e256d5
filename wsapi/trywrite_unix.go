//go:build unix

package wsapi

import (
	"net"
	"syscall"
)

// rawWriter writes to the socket of a TCP connection of the handshake's
// own transport directly, for the frame tap's tries. One write at a time:
// the tap's writing flag holds the connection.
type rawWriter struct {
	rc  syscall.RawConn
	fn  func(fd uintptr) bool // w.write, made once: a closure per write would allocate
	p   []byte
	n   int
	err error
}

// newRawWriter returns nil when c is not a socket.
func newRawWriter(c net.Conn) *rawWriter {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	w := &rawWriter{rc: rc}
	w.fn = w.write
	return w
}

func (w *rawWriter) write(fd uintptr) bool {
	w.n, w.err = syscall.Write(int(fd), w.p)
	return true // never wait for the poller
}

// tryWrite writes what the kernel takes of p at once, without waiting for
// room: one write system call on the non-blocking socket. A full socket
// is not an error: it takes 0 bytes.
func (w *rawWriter) tryWrite(p []byte) (int, error) {
	w.p = p
	err := w.rc.Write(w.fn)
	n, werr := max(w.n, 0), w.err
	w.p, w.n, w.err = nil, 0, nil
	switch {
	case err != nil:
		return n, err
	case werr == syscall.EAGAIN, werr == syscall.EINTR:
		return n, nil
	}
	return n, werr
}
