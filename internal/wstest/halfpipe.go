//go:build !js

package wstest

import (
	"net"
	"time"
)

// HalfConn is one end of an in-memory connection that, unlike net.Pipe,
// can be half closed: each direction is a net.Pipe of its own, and
// CloseWrite ends one, as a TCP FIN does. Tests use it to feed a peer
// exactly the bytes they choose, with no kernel buffer in between.
type HalfConn struct{ r, w net.Conn }

// HalfPipe returns the two ends of a new in-memory connection.
func HalfPipe() (client, server *HalfConn) {
	cw, sr := net.Pipe() // client to server
	sw, cr := net.Pipe() // server to client
	return &HalfConn{r: cr, w: cw}, &HalfConn{r: sr, w: sw}
}

func (c *HalfConn) Read(p []byte) (int, error)  { return c.r.Read(p) }
func (c *HalfConn) Write(p []byte) (int, error) { return c.w.Write(p) }

// CloseWrite ends the direction this end writes to: the peer reads io.EOF.
func (c *HalfConn) CloseWrite() error { return c.w.Close() }

func (c *HalfConn) Close() error {
	c.r.Close()
	return c.w.Close()
}

func (c *HalfConn) LocalAddr() net.Addr  { return PipeAddr{} }
func (c *HalfConn) RemoteAddr() net.Addr { return PipeAddr{} }

func (c *HalfConn) SetDeadline(t time.Time) error {
	c.r.SetReadDeadline(t)
	return c.w.SetWriteDeadline(t)
}
func (c *HalfConn) SetReadDeadline(t time.Time) error  { return c.r.SetReadDeadline(t) }
func (c *HalfConn) SetWriteDeadline(t time.Time) error { return c.w.SetWriteDeadline(t) }

// PipeAddr is the address of both ends of a HalfPipe.
type PipeAddr struct{}

func (PipeAddr) Network() string { return "pipe" }
func (PipeAddr) String() string  { return "pipe" }
