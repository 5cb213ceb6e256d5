//go:build !js

package wsapi

import "sync/atomic"

// bufferedCount is the native bufferedAmount as the browser shows it: it
// grows at once with every send, but falls, as the writer gets bytes out,
// only between events. Chrome lowers bufferedAmount in a task of its own,
// so a handler that sends 1 MiB and reads bufferedAmount later in the same
// handler still sees the 1 MiB, however fast the network took it; here a
// handler likewise sees what was written as of when it began. Outside
// handlers the count is live. Three atomics, no lock: sends and the writer
// never wait on the dispatcher.
type bufferedCount struct {
	queued  atomic.Uint64 // bytes ever passed to a send
	written atomic.Uint64 // bytes of those the writer got out
	inTask  atomic.Bool   // a handler runs
	seen    atomic.Uint64 // written, as of when the running handler began
}

func (b *bufferedCount) add(n int)   { b.queued.Add(uint64(n)) }
func (b *bufferedCount) wrote(n int) { b.written.Add(uint64(n)) }

// begin and end bracket a handler.
func (b *bufferedCount) begin() {
	b.seen.Store(b.written.Load())
	b.inTask.Store(true)
}

func (b *bufferedCount) end() { b.inTask.Store(false) }

// yield shows the running handler what was written until now, as the
// browser's tasks run while a Go handler blocks.
func (b *bufferedCount) yield() {
	if b.inTask.Load() {
		b.seen.Store(b.written.Load())
	}
}

func (b *bufferedCount) amount() uint64 {
	// written before queued: the writer only writes what was queued, so
	// a send racing with this read can make the result larger, but never
	// wrap it below zero.
	w := b.written.Load()
	if b.inTask.Load() {
		w = b.seen.Load()
	}
	return b.queued.Load() - w
}
