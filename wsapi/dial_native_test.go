//go:build !js

package wsapi_test

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestDialCause: natively, the error of a failed Dial wraps the network's
// own error, which the browser never tells.
func TestDialCause(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := wsapi.Dial(ctx, e.dead, nil)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Dial(%s) = %v, want an error wrapping ECONNREFUSED", e.dead, err)
	}
}

// TestCauseSurvivesCloseInError: an error handler that calls Close, as
// code that cleans up on error does, leaves the cause where WaitOpen and
// Err find it, and fires no second error.
func TestCauseSurvivesCloseInError(t *testing.T) {
	e := scenarioEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, err := wsapi.New(e.dead)
	if err != nil {
		t.Fatal(err)
	}
	errs := 0
	ws.OnError(func(error) { errs++; ws.Close() })
	err = ws.WaitOpen(ctx)
	<-ws.Done()
	if !errors.Is(err, syscall.ECONNREFUSED) || !errors.Is(ws.Err(), syscall.ECONNREFUSED) || errs != 1 {
		t.Errorf("WaitOpen = %v, Err = %v, %d error events; want ECONNREFUSED twice and one error event", err, ws.Err(), errs)
	}
}

// TestDialContextLeavesNothing: when ctx ends during the handshake, Dial
// ends the attempt: the server sees the connection closed, instead of a
// client left connecting for good.
func TestDialContextLeavesNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			accepted <- c // reads the request, never answers
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		c := <-accepted
		defer c.Close()
		cancel() // the handshake is under way
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.Copy(io.Discard, c)
		accepted <- nil
		if err != nil {
			t.Errorf("the server's side of the attempt: %v, want EOF (the client closed it)", err)
		}
	}()
	ws, err := wsapi.Dial(ctx, "ws://"+ln.Addr().String()+"/", nil)
	if ws != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Dial = %v, %v; want nil, context.Canceled", ws, err)
	}
	<-accepted
}
