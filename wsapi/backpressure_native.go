//go:build !js

package wsapi

// drained returns a channel that the writer closes once it has written a
// message, for WaitBufferedAmount. The writer pays an atomic load per
// message while nobody waits.
func (t *nativeTransport) drained(int) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.drainCh == nil {
		t.drainCh = make(chan struct{})
		t.drainWant.Store(true)
	}
	return t.drainCh
}

func (t *nativeTransport) signalDrained() {
	t.mu.Lock()
	if t.drainCh != nil {
		close(t.drainCh)
		t.drainCh = nil
		t.drainWant.Store(false)
	}
	t.mu.Unlock()
}
