//go:build js && wasm

package wsapi

import (
	"sync"
	"syscall/js"
	"time"
)

// quickPolls is how many times WaitBufferedAmount looks again in a task of
// its own, right after those already queued, before it falls back to
// timers: the browser fires no event when bufferedAmount falls, and it
// falls in a task soon after the send, while a timer of 1 ms is rounded up
// to several once timers nest.
const quickPolls = 16

// drained returns a channel closed when WaitBufferedAmount should look at
// bufferedAmount again: for the first quickPolls attempts, in a task
// posted through a MessageChannel (no clamping, and the event loop runs
// before it); then after a wait that grows with attempt (1, 2, 4, 8, then
// 16 ms). A timer's function, not its channel: see now in dispatch.go.
func (t *jsTransport) drained(attempt int) <-chan struct{} {
	ch := make(chan struct{})
	if attempt < quickPolls && t.postTask(ch) {
		return ch
	}
	time.AfterFunc(time.Millisecond<<min(attempt, 4), func() { close(ch) })
	return ch
}

// taskPoster posts tasks through a MessageChannel of the socket's own,
// made on first use and closed by release: an open port keeps Node
// running.
type taskPoster struct {
	mu      sync.Mutex
	port    js.Value // port2: postMessage(0) queues a task on port1
	close   js.Value // port1, closed with port2 by stop
	fn      js.Func
	waiting []chan struct{}
	dead    bool
}

// postTask arranges for ch to be closed in a task of its own, and reports
// false where there is no MessageChannel, or once the socket is released: a
// wait on a closed socket would make a channel that nothing closes.
func (t *jsTransport) postTask(ch chan struct{}) bool {
	t.sendMu.Lock()
	if t.released {
		t.sendMu.Unlock()
		return false
	}
	if t.tasks == nil {
		t.tasks = &taskPoster{}
		t.stopTasks = t.tasks.stop
	}
	p := t.tasks
	t.sendMu.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead {
		return false
	}
	if p.port.IsUndefined() || p.port.IsNull() {
		mc := js.Global().Get("MessageChannel")
		if mc.Type() != js.TypeFunction {
			p.dead = true
			return false
		}
		c := mc.New()
		p.fn = js.FuncOf(func(js.Value, []js.Value) any {
			p.mu.Lock()
			w := p.waiting
			p.waiting = nil
			p.mu.Unlock()
			for _, ch := range w {
				close(ch)
			}
			return nil
		})
		p.close = c.Get("port1")
		p.close.Set("onmessage", p.fn)
		p.port = c.Get("port2")
	}
	p.waiting = append(p.waiting, ch)
	p.port.Call("postMessage", 0)
	return true
}

// stop closes the channel and frees its callback; the waits in progress
// are released.
func (p *taskPoster) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dead = true
	if p.port.IsUndefined() || p.port.IsNull() {
		return
	}
	p.close.Call("close")
	p.port.Call("close")
	p.fn.Release()
	for _, ch := range p.waiting {
		close(ch)
	}
	p.waiting = nil
}
