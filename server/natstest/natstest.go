//go:build !js

// Package natstest runs nats-server in a test, embedded, with JetStream in
// a temporary directory, for the tests of servers of a cluster
// (Options.NATS): package server's, wasm/client's against a cluster
// (server/clienttest), and the demo page's (e2e), as httptest runs an
// HTTP server.
//
// It listens on a 127.0.0.1 port rather than in process only: a restart
// must find it again on the same URL, as a restarted NATS would be.
package natstest

import (
	"net"
	"strconv"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
)

// Server is an embedded nats-server. It stops when the test ends.
type Server struct {
	t    testing.TB
	dir  string
	port int
	ns   *natsserver.Server
}

// Start starts a nats-server with JetStream on a free 127.0.0.1 port.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, dir: t.TempDir(), port: -1}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Restart starts the server again after Stop, on the same port and with
// the same store: its streams are found again.
func (s *Server) Restart() {
	s.t.Helper()
	ns, err := natsserver.NewServer(&natsserver.Options{
		Host:      "127.0.0.1",
		Port:      s.port,
		JetStream: true,
		StoreDir:  s.dir,
		NoLog:     true,
		NoSigs:    true,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		s.t.Fatal("natstest: nats-server not ready in 10s")
	}
	s.ns = ns
	s.port = ns.Addr().(*net.TCPAddr).Port
}

// Stop stops the server and waits for it; a second Stop does nothing.
func (s *Server) Stop() {
	if s.ns != nil {
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
		s.ns = nil
	}
}

// URL is the server's nats:// URL.
func (s *Server) URL() string {
	return "nats://127.0.0.1:" + strconv.Itoa(s.port)
}
