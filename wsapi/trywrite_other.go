//go:build !unix && !js

package wsapi

import "net"

// rawWriter is not written where there is no unix write system call:
// every send goes through the writer.
type rawWriter struct{}

func newRawWriter(net.Conn) *rawWriter { return nil }

func (*rawWriter) tryWrite([]byte) (int, error) { return 0, nil }
