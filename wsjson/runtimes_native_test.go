//go:build !js

package wsjson_test

import (
	"testing"

	"github.com/go-wsapi/wsapi/internal/convtest"
)

// TestRuntimes runs this package's tests again in Node and in headless
// Chromium, against this run's server.
func TestRuntimes(t *testing.T) { convtest.Runtimes(t) }
