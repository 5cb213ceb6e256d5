//go:build !js

package wsapi_test

import (
	"context"
	"errors"
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
