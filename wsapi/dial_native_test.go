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
