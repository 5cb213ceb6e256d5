//go:build !js

package server

import (
	"sync"
	"time"
)

// tickStream is the one stream of quotes of /ws/ticks: every connection
// sees the same quotes with the same stream-wide seq, so that one that
// comes back can resume where it was, from the history. It ticks only
// while someone listens: an idle server has no ticking goroutine.
type tickStream struct {
	interval time.Duration
	epoch    string

	mu      sync.Mutex
	q       *quotes
	latest  *message // the quote of q.seq
	history history
	subs    map[*client]chan struct{} // each woken after a tick
	stop    chan struct{}             // closed to stop the ticking goroutine
	ticking sync.WaitGroup
	closed  bool
	// cluster, when the server has NATS, delivers the cluster's quotes
	// and ticks for it (ticks_nats.go); this node then never ticks alone.
	cluster *tickCluster
}

func newTickStream(interval time.Duration, epoch string, h history) *tickStream {
	return &tickStream{interval: interval, epoch: epoch, q: newQuotes(), history: h, subs: map[*client]chan struct{}{}}
}

// tickWelcome is the first message on /ws/ticks.
type tickWelcome struct {
	Type      string `json:"type"`
	Epoch     string `json:"epoch"`
	Seq       int64  `json:"seq"` // the latest quote's
	Time      string `json:"time"`
	Recovered *bool  `json:"recovered,omitempty"`
}

// subscribe adds c and returns its welcome, the quotes that follow it at
// once, the seq after which the stream's next quotes start, and the
// channel that says a quote came. A fresh client starts with the latest
// quote; one that resumes with the quotes after its since, when the
// history has them all. Those are taken here, under the lock that decides
// recovered, and not when the welcome has been written: by then the
// history may have moved on, and the welcome would have promised quotes
// that are no longer there.
func (ts *tickStream) subscribe(c *client) (welcome *message, first []*message, last int64, wake chan struct{}) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	now := time.Now()
	if ts.q.seq == 0 && ts.cluster == nil {
		ts.tickLocked(now) // the first client gets a quote at once
	}
	ok := false
	if ts.latest != nil { // nil only on a cluster yet to tick
		first = []*message{ts.latest}
	}
	if r := c.resume; r.given && r.epoch == ts.epoch {
		var missed []*message
		if missed, ok = ts.history.after(r.since, ts.q.seq, now); ok {
			first = missed
		}
	}
	last = ts.q.seq
	welcome = encode(tickWelcome{Type: "welcome", Epoch: ts.epoch, Seq: ts.q.seq, Time: stamp(now),
		Recovered: recoveredField(c.resume, ok)})
	wake = make(chan struct{}, 1)
	ts.subs[c] = wake
	if len(ts.subs) == 1 && !ts.closed && ts.cluster == nil {
		ts.stop = make(chan struct{})
		ts.ticking.Add(1)
		go ts.run(ts.stop)
	}
	return welcome, first, last, wake
}

// unsubscribe removes c; the last one out stops the ticking.
func (ts *tickStream) unsubscribe(c *client) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.subs[c]; !ok {
		return
	}
	delete(ts.subs, c)
	if len(ts.subs) == 0 && ts.stop != nil {
		close(ts.stop)
		ts.stop = nil
	}
}

// shutdown stops the ticking for good and waits for it.
func (ts *tickStream) shutdown() {
	ts.mu.Lock()
	ts.closed = true
	if ts.stop != nil {
		close(ts.stop)
		ts.stop = nil
	}
	tc := ts.cluster
	ts.mu.Unlock()
	ts.ticking.Wait()
	if tc != nil {
		tc.close()
	}
}

func (ts *tickStream) run(stop chan struct{}) {
	defer ts.ticking.Done()
	t := time.NewTicker(ts.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			ts.mu.Lock()
			ts.tickLocked(now)
			for _, w := range ts.subs {
				select {
				case w <- struct{}{}:
				default:
				}
			}
			ts.mu.Unlock()
		}
	}
}

func (ts *tickStream) tickLocked(now time.Time) {
	m := ts.q.next(now)
	ts.latest = m
	ts.history.add(ts.q.seq, now, m)
}

// after returns the quotes after last, and the new last. A client that
// fell further behind than the history reaches skips to its oldest quote:
// the gap in seq tells it.
func (ts *tickStream) after(last int64) ([]*message, int64) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ms, ok := ts.history.after(last, ts.q.seq, time.Now())
	if !ok && len(ts.history.buf) > 0 {
		first := ts.history.buf[0].seq
		ms, _ = ts.history.after(first-1, ts.q.seq, time.Now())
	}
	return ms, ts.q.seq
}
