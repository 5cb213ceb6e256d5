//go:build !js

// Package clienttest holds what the native tests of wasm/client's clients
// share: those against a scripted server, in wasm/client, and those against
// the real companion server, which live in the server module
// (server/clienttest) so that this module never imports the server.
package clienttest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/reconnect"
	"github.com/go-wsapi/wsapi/wasm/client"
	"github.com/go-wsapi/wsapi/wsapi"
)

// Context is the test's context, bounded to 10 s.
func Context(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Closer is what the three clients have in common for a test's cleanup.
type Closer interface {
	Close() error
	Socket() *reconnect.Socket
}

// CloseAtEnd closes c when the test ends and waits for its close event, so
// that no goroutine of it outlives the test.
func CloseAtEnd(t *testing.T, c Closer) {
	t.Cleanup(func() {
		c.Close()
		select {
		case <-c.Socket().Done():
		case <-time.After(5 * time.Second):
			t.Errorf("%s did not close", c.Socket().URL())
		}
	})
}

// Once makes a client's socket stop at its first close, as a plain
// WebSocket does.
var Once = &reconnect.Options{ShouldReconnect: func(wsapi.CloseEvent) bool { return false }}

// Recorder keeps a socket's hook calls as log lines, as the page shows
// them, and tells whether each close was local.
type Recorder struct {
	Name  string
	mu    sync.Mutex
	lines []string
}

func (r *Recorder) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, s)
}

// Lines returns the lines so far.
func (r *Recorder) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines)
}

// Hooks returns the hooks that record into r.
func (r *Recorder) Hooks() client.Hooks {
	return client.Hooks{
		Open:    func() { r.add(client.LogOpen(r.Name)) },
		Message: func(m wsapi.MessageEvent) { r.add(client.LogMessage(r.Name, m)) },
		Error:   func(error) { r.add(client.LogError(r.Name)) },
		Close: func(ev wsapi.CloseEvent, local bool) {
			r.add(fmt.Sprintf("%s local=%t", client.LogClose(r.Name, ev), local))
		},
		Invalid: func(_ wsapi.MessageEvent, err error) { r.add(r.Name + " invalid: " + err.Error()) },
	}
}
