//go:build !js

package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go/jetstream"
)

// The ticks' names in NATS.
const (
	ticksStreamName = "WSAPI_TICKS"
	ticksSubject    = "wsapi.ticks"
	leaseBucket     = "wsapi_leases"
	ticksLease      = "ticks"
	// leaseTTL is how long a node that stopped (or died) keeps the ticks
	// from the others, at least: the lease lives three tick intervals
	// when that is longer (see leaseLife), as the holder refreshes it
	// only when it ticks.
	leaseTTL = 3 * time.Second
)

// tickCluster makes the ticks of a cluster one stream: the quotes are the
// messages of the WSAPI_TICKS stream, whose sequence is their seq, and
// every node delivers them to its clients from an ordered consumer, as
// the room's events. One node ticks for the cluster: the one holding the
// lease, a key of a bucket with a TTL that it refreshes while it ticks,
// and that a node contends for only while it has clients (so that an
// idle cluster does not tick). Each quote is published with the stream
// sequence it expects to follow, so that two nodes that both believe
// they hold the lease, for a moment, cannot both tick.
type tickCluster struct {
	ts   *tickStream
	js   jetstream.JetStream
	kv   jetstream.KeyValue
	cons jetstream.ConsumeContext
	node string
	log  *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// newTickCluster makes the stream and the bucket if they are not there,
// names ts's epoch after the stream, and starts delivering and ticking.
func newTickCluster(js jetstream.JetStream, ts *tickStream, node string, o *Options) (*tickCluster, error) {
	ctx, cancel := context.WithTimeout(context.Background(), natsTimeout)
	defer cancel()
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:      ticksStreamName,
		Subjects:  []string{ticksSubject},
		Storage:   jetstream.FileStorage,
		MaxMsgs:   int64(o.HistorySize),
		MaxAge:    o.HistoryAge,
		Discard:   jetstream.DiscardOld,
		Retention: jetstream.LimitsPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("failed to make the JetStream stream %s: %w", ticksStreamName, err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: leaseBucket, TTL: leaseLife(ts.interval)})
	if err != nil {
		return nil, fmt.Errorf("failed to make the JetStream bucket %s: %w", leaseBucket, err)
	}
	tc := &tickCluster{ts: ts, js: js, kv: kv, node: node, log: o.Logger}
	tc.ctx, tc.cancel = context.WithCancel(context.Background())
	ts.mu.Lock()
	ts.epoch = strconv.FormatInt(stream.CachedInfo().Created.UnixNano(), 36)
	if st := stream.CachedInfo().State; st.Msgs == 0 {
		// Quiet longer than MaxAge, the stream dropped every quote, and
		// the consumer delivers none: the next quote follows its last
		// sequence, which it expects (run), not 1.
		ts.q.seq = int64(st.LastSeq)
	}
	ts.cluster = tc
	ts.mu.Unlock()
	cons, err := js.OrderedConsumer(ctx, ticksStreamName, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err == nil {
		tc.cons, err = cons.Consume(tc.receive)
	}
	if err != nil {
		tc.cancel()
		return nil, fmt.Errorf("failed to read the stream %s: %w", ticksStreamName, err)
	}
	tc.wg.Add(1)
	go tc.run()
	return tc, nil
}

// receive delivers a quote of the stream to ts: its seq is the stream's.
func (tc *tickCluster) receive(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		return
	}
	var q struct {
		Price json.Number `json:"price"`
	}
	json.Unmarshal(msg.Data(), &q)
	price, _ := q.Price.Float64()
	m := &message{typ: websocket.MessageText, data: append([]byte(nil), msg.Data()...)}
	ts := tc.ts
	ts.mu.Lock()
	defer ts.mu.Unlock()
	seq := int64(md.Sequence.Stream)
	if seq <= ts.q.seq {
		return // delivered already (a consumer reset)
	}
	if seq != ts.q.seq+1 {
		ts.history.reset() // the stream dropped quotes before this node read them
	}
	ts.q.seq = seq
	if price > 0 {
		ts.q.cents = int64(math.Round(price * 100))
	}
	ts.latest = m
	ts.history.add(seq, md.Timestamp, m)
	for _, w := range ts.subs {
		select {
		case w <- struct{}{}:
		default:
		}
	}
}

// leaseLife is the lease's TTL for ticks every interval: leaseTTL, or
// three intervals if longer, so that a holder ticking every interval
// refreshes it (at a third of its life) well before it lapses. The bucket
// is the cluster's: its nodes are to tick at the same interval, as they
// serve one stream of quotes.
func leaseLife(interval time.Duration) time.Duration {
	return max(leaseTTL, 3*interval)
}

// run ticks for the cluster while this node holds the lease, and holds
// it while it has clients.
func (tc *tickCluster) run() {
	defer tc.wg.Done()
	t := time.NewTicker(tc.ts.interval)
	defer t.Stop()
	var rev uint64 // the lease's revision while held
	var refreshed time.Time
	for {
		select {
		case <-tc.ctx.Done():
			if rev != 0 && tc.js.Conn().IsConnected() { // else it expires (leaseLife)
				ctx, cancel := context.WithTimeout(context.Background(), natsTimeout)
				tc.kv.Delete(ctx, ticksLease, jetstream.LastRevision(rev))
				cancel()
			}
			return
		case <-t.C:
		}
		tc.ts.mu.Lock()
		listening := len(tc.ts.subs) > 0
		next := *tc.ts.q
		tc.ts.mu.Unlock()
		ctx, cancel := context.WithTimeout(tc.ctx, natsTimeout)
		switch {
		case !listening && rev != 0:
			tc.kv.Delete(ctx, ticksLease, jetstream.LastRevision(rev))
			rev = 0
		case !listening:
		case rev == 0:
			if r, err := tc.kv.Create(ctx, ticksLease, []byte(tc.node)); err == nil {
				rev, refreshed = r, time.Now()
			}
		case time.Since(refreshed) > leaseLife(tc.ts.interval)/3:
			if r, err := tc.kv.Update(ctx, ticksLease, []byte(tc.node), rev); err == nil {
				rev, refreshed = r, time.Now()
			} else {
				rev = 0 // lost it: another node ticks
			}
		}
		if rev != 0 {
			m := next.next(time.Now())
			_, err := tc.js.Publish(ctx, ticksSubject, m.data, jetstream.WithExpectLastSequence(uint64(next.seq-1)))
			if err != nil && !isWrongLast(err) && tc.ctx.Err() == nil {
				tc.log.Warn("nats: publishing a tick failed", "error", err)
			}
		}
		cancel()
	}
}

// close stops the ticking and the deliveries; the lease is given back.
func (tc *tickCluster) close() {
	tc.cons.Stop()
	tc.cancel()
	tc.wg.Wait()
}
