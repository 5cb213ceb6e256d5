package wsnet

import (
	"context"
	"sync"
	"time"
)

// deadline is the deadline of one direction of a Conn. The operation in
// progress (Reads, and Writes, go one at a time) runs under a context that
// the deadline cancels when it passes, however often it is moved, and that
// Close cancels too.
type deadline struct {
	mu          sync.Mutex
	at          time.Time
	timer       *time.Timer
	cancel      context.CancelFunc // the operation in progress; nil when none
	interrupted bool               // Close was called: every later operation starts cancelled
}

// start returns the context of an operation and the func that ends it.
func (d *deadline) start() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	d.cancel = cancel
	d.armLocked()
	if d.interrupted {
		// A Close that came between the caller's closed check and here
		// found no operation to cancel: this one must not wait for the
		// closing handshake either.
		cancel()
	}
	d.mu.Unlock()
	return ctx, func() {
		d.mu.Lock()
		d.cancel = nil
		d.stopLocked()
		d.mu.Unlock()
		cancel()
	}
}

func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	d.at = t
	d.armLocked()
	d.mu.Unlock()
}

// interrupt cancels the operation in progress and every later one, for
// Close.
func (d *deadline) interrupt() {
	d.mu.Lock()
	d.interrupted = true
	if d.cancel != nil {
		d.cancel()
	}
	d.mu.Unlock()
}

func (d *deadline) armLocked() {
	d.stopLocked()
	if d.cancel == nil || d.at.IsZero() {
		return
	}
	if wait := time.Until(d.at); wait > 0 {
		d.timer = time.AfterFunc(wait, d.cancel)
		return
	}
	d.cancel()
}

func (d *deadline) stopLocked() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}
