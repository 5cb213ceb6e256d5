package wsapi_test

import (
	"strings"
	"sync"
)

// eventLog records a socket's events in order, as its handlers, which run
// on the socket's goroutine, add them; the test reads them from its own.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) add(s string) {
	l.mu.Lock()
	l.events = append(l.events, s)
	l.mu.Unlock()
}

// list returns a copy of the events so far.
func (l *eventLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.events...)
}

// String returns the events so far, comma-separated.
func (l *eventLog) String() string { return strings.Join(l.list(), ", ") }
