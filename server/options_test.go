//go:build !js

package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/server"
)

// TestNewErrorDuration: a negative duration is named as one (-1.5s), not
// as a count of nanoseconds.
func TestNewErrorDuration(t *testing.T) {
	for name, change := range map[string]func(*server.Options){
		"HistoryAge":   func(o *server.Options) { o.HistoryAge = -1500 * time.Millisecond },
		"TickInterval": func(o *server.Options) { o.TickInterval = -1500 * time.Millisecond },
		"PingInterval": func(o *server.Options) { o.PingInterval = -1500 * time.Millisecond },
		"PingTimeout":  func(o *server.Options) { o.PingTimeout = -1500 * time.Millisecond },
	} {
		var o server.Options
		testFiles(t, &o)
		change(&o)
		_, err := server.New(&o)
		if err == nil || !strings.Contains(err.Error(), name+" must not be negative, got -1.5s") {
			t.Errorf("negative %s: %v, want it named, got -1.5s", name, err)
		}
	}
}
