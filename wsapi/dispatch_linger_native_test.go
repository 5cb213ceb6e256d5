//go:build !js

package wsapi

import (
	"sync"
	"testing"
	"time"
)

// stubTransport moves nothing: the dispatcher's tests feed the socket's
// queue through the emit methods themselves.
type stubTransport struct{}

func (stubTransport) sendText(string)             {}
func (stubTransport) sendBinary([]byte)           {}
func (stubTransport) bufferedAmount() uint64      { return 0 }
func (stubTransport) drained(int) <-chan struct{} { return nil }
func (stubTransport) beginTask()                  {}
func (stubTransport) endTask()                    {}
func (stubTransport) yieldTask()                  {}
func (stubTransport) close(int, string)           {}
func (stubTransport) abort()                      {}
func (stubTransport) release()                    {}

// TestDispatcherLingersWhileEventsCome checks that a dispatcher whose linger
// ends after it delivered an event waits for another linger rather than
// return: it returns only once idle for a whole linger, so that a steady
// stream of events keeps one dispatcher. The linger's end is played by the
// test (lingerDone) soon after an event was delivered; the real timer,
// armed when the dispatcher first went idle, may end first on a loaded
// machine, so the test tries a few times.
func TestDispatcherLingersWhileEventsCome(t *testing.T) {
	for range 10 {
		if dispatcherStays(t) {
			return
		}
	}
	t.Error("the dispatcher returned when its linger ended just after it delivered an event")
}

// dispatcherStays delivers open and one message, ends the linger, and
// reports whether the dispatcher is still there.
func dispatcherStays(t *testing.T) bool {
	ws := &WebSocket{
		lingers: true,
		tr:      stubTransport{},
		wake:    make(chan struct{}, 1),
		openCh:  make(chan struct{}),
		done:    make(chan struct{}),
	}
	ws.room = sync.NewCond(&ws.mu)
	ws.dispatchFn = ws.dispatch
	got := make(chan struct{}, 1)
	ws.emitOpen("", "")
	ws.SetHandlers(Handlers{Message: func(MessageEvent) { got <- struct{}{} }})
	<-ws.openCh // the dispatcher went idle after it, and armed its linger
	defer func() {
		ws.emitClose(CloseEvent{Code: 1000}, nil)
		<-ws.done
	}()
	ws.emitMessage(Text, []byte("m"))
	<-got
	// Let the dispatcher find the queue empty again, well within a linger.
	time.Sleep(dispatchLinger / 8)
	ws.lingerDone()
	for {
		ws.mu.Lock()
		due, running := ws.lingerDue, ws.running
		ws.mu.Unlock()
		if !running {
			return false
		}
		if !due {
			return true // it looked, and armed the linger again
		}
		time.Sleep(time.Millisecond)
	}
}
