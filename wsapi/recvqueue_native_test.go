//go:build !js

package wsapi_test

import (
	"context"
	"testing"
	"time"

	"github.com/go-wsapi/wsapi/wsapi"
)

// TestReadBackpressure: while the message handler is stuck, the native
// reader stops once about MaxQueuedBytes wait, instead of queuing all the
// peer sends; when the handler resumes every message arrives.
func TestReadBackpressure(t *testing.T) {
	e := scenarioEnv(t)
	ws, err := wsapi.New(e.wsBase() + "/echo?id=backpressure")
	if err != nil {
		t.Fatal(err)
	}
	const n, size = 40, 100 << 10 // 4 MB in all, four times the mark
	release := make(chan struct{})
	got := 0
	ws.OnMessage(func(wsapi.MessageEvent) {
		if got == 0 {
			<-release
		}
		got++
		if got == n {
			ws.Close()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ws.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	for range n {
		ws.SendBinary(make([]byte, size))
	}
	// Sample the queue while the handler is stuck; the echoes take a few
	// milliseconds to come back on loopback.
	peak := 0
	for range 50 {
		peak = max(peak, wsapi.QueuedBytes(ws))
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	<-ws.Done()
	if limit := wsapi.MaxQueuedBytes + size; peak > limit {
		t.Errorf("%d bytes queued while the handler was stuck, want at most %d", peak, limit)
	}
	if peak < wsapi.MaxQueuedBytes {
		t.Logf("only %d bytes queued at the peak: the echoes were slow to come", peak)
	}
	if got != n {
		t.Errorf("%d of %d messages arrived", got, n)
	}
}
