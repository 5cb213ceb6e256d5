//go:build !js

package scenario

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
)

// Start runs a Server on a free port of 127.0.0.1. It returns the base URL
// ("http://127.0.0.1:PORT") and a stop function that closes the listener
// and every connection and returns once all of the server's goroutines
// have ended, so that tests can check for leaks right after it.
func Start(opts *Options) (base string, stop func(), err error) {
	return start(New(opts))
}

func start(s *Server) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		s.Close()
		return "", nil, fmt.Errorf("failed to listen: %w", err)
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: maxLife,
		ErrorLog:          log.New(logWriter{s.opts.Logf}, "", 0),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	stop := sync.OnceFunc(func() {
		// srv.Close ends the listener and the connections net/http still
		// owns; s.Close ends the hijacked ones and waits for the handlers.
		_ = srv.Close()
		s.Close()
		<-served
	})
	return "http://" + ln.Addr().String(), stop, nil
}

// logWriter sends net/http's own error log to Options.Logf.
type logWriter struct{ logf func(string, ...any) }

func (l logWriter) Write(p []byte) (int, error) {
	l.logf("scenario: http: %s", p)
	return len(p), nil
}

// DeadURL returns "ws://127.0.0.1:PORT/" for a port that was free a moment
// ago and that nothing listens on now, for the "connection refused"
// scenarios. The port is reserved by listening and closed at once; another
// process could take it in between, which is unlikely enough on a test
// machine.
func DeadURL() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("failed to reserve a port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("failed to close the reserved port: %w", err)
	}
	return "ws://" + addr + "/", nil
}
