package wsnet

import (
	"testing"
	"time"
)

// TestInterruptBeforeStart covers a Close that lands between a Read's
// closed check and the start of its operation: the operation must start
// cancelled, not wait for the closing handshake.
func TestInterruptBeforeStart(t *testing.T) {
	var d deadline
	d.interrupt()
	ctx, done := d.start()
	defer done()
	if ctx.Err() == nil {
		t.Fatal("an operation started after interrupt is not cancelled")
	}
}

// TestDeadlineStillMoves checks that the interrupt flag leaves the
// deadline's own work alone: an operation started before any interrupt
// runs until its deadline passes.
func TestDeadlineStillMoves(t *testing.T) {
	var d deadline
	ctx, done := d.start()
	defer done()
	if ctx.Err() != nil {
		t.Fatal("a fresh operation starts cancelled")
	}
	d.set(time.Now().Add(-time.Second))
	if ctx.Err() == nil {
		t.Fatal("a deadline in the past did not cancel the operation")
	}
}
