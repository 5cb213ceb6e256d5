//go:build !js

package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The names a cluster shares in NATS (server/docs/cluster.md).
const (
	chatStreamName = "WSAPI_CHAT"
	chatSubject    = "wsapi.chat.main" // wsapi.chat.<room>: one room today
	nickBucket     = "wsapi_nicks"
	seqHeader      = "Wsapi-Seq" // the room's seq of a chat event
	// nickTTL is how long a nick stays claimed without a refresh: a node
	// killed without releasing its members' nicks holds them this long.
	nickTTL = 15 * time.Second
	// natsTimeout bounds each request to JetStream.
	natsTimeout = 5 * time.Second
	// dupWindow is how long JetStream remembers a message ID, so that a
	// publish retried after a lost ack is stored once; JetStream wants it
	// no longer than the stream's MaxAge, a shorter -history-age.
	dupWindow = 2 * time.Minute
	// retryWait is the pause before a publish is tried again after NATS
	// failed it (a restart, a lost connection).
	retryWait = 100 * time.Millisecond
)

// natsBus is the bus of a node of a cluster: the room's events are the
// messages of one subject of a JetStream stream, whose order is the one
// every node delivers in. A node publishes with the stream sequence it
// expects to be the subject's last (Nats-Expected-Last-Subject-Sequence)
// and the room's seq that follows it in a header; when another node got
// there first, JetStream refuses, and the node reads the new last and
// tries again, so the room's seq is gap-free with no coordinator. Each
// event keeps one message ID through its retries, so that a publish
// whose ack was lost (NATS restarting) is stored once. Every node reads
// the subject with an ordered consumer, from the oldest event the stream
// keeps: its room's history mirrors the stream's, and a client that
// resumes on any node is served from it. A say reaches its sender, its
// acknowledgement, only from that consumer: once JetStream stored it.
//
// Nicks are claimed in a JetStream key-value bucket (create fails when
// the key exists) whose entries expire after nickTTL unless refreshed.
type natsBus struct {
	room *room
	nc   *nats.Conn
	js   jetstream.JetStream
	kv   jetstream.KeyValue
	name string // the epoch: the stream's creation time
	node string // this node's name in message IDs and claims
	log  *slog.Logger

	ctx    context.Context // ended by close
	cancel context.CancelFunc
	cons   jetstream.ConsumeContext
	wg     sync.WaitGroup

	mu        sync.Mutex // guards what follows
	queue     []pending  // published, not yet stored, in order
	storing   bool       // the publisher has taken queue's first, not yet stored
	max       int        // Options.PublishQueue: queue and storing full
	wake      chan struct{}
	lastSeq   int64             // the room's seq of the subject's last event known
	lastSSeq  uint64            // its stream sequence
	nextID    uint64            // message IDs
	claims    map[string]uint64 // nick → revision of its key
	delivered int64             // the last seq delivered to the room
	arrived   int64             // the last seq the room has taken (room.deliver returned)
	progress  chan struct{}     // closed, and replaced, when arrived moves

	// For tests (HoldDelivery): receive waits for testHold to close,
	// and catchUp calls testWaiting when it waits.
	testHold    chan struct{}
	testWaiting func()
}

// pending is what the publisher has to do: store an event, or release a
// nick (delete its key), in the order the room asked. A release goes
// through the queue so that the room need not wait for NATS, and the
// nick is free in NATS before any event published after it (its leave)
// is stored.
type pending struct {
	e       event
	release string // the nick, for a release
	rev     uint64 // its key's revision, for a release
}

// connectNATS connects to url, once: a server that cannot reach NATS at
// start fails with an error naming it (a supervisor restarts it). Later
// losses are reconnected without end.
func connectNATS(url string, extra []nats.Option) (*nats.Conn, error) {
	opts := append([]nats.Option{
		nats.Name("wsapi-demo"),
		nats.Timeout(natsTimeout),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
	}, extra...)
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("failed to connect to NATS at %q: %w", redactURLs(url), err)
	}
	return nc, nil
}

// redactURLs is a NATS URL list (comma-separated) fit for an error, which
// goes to logs: each userinfo, a user and password or a token, is
// replaced by xxxxx.
func redactURLs(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil && u.User != nil {
			u.User = url.User("xxxxx")
			parts[i] = u.String()
		}
	}
	return strings.Join(parts, ",")
}

// newNATSBus makes the stream and the bucket if they are not there yet,
// and starts delivering the room's events to r.
func newNATSBus(nc *nats.Conn, r *room, o *Options) (*natsBus, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), natsTimeout)
	defer cancel()
	stream, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:              chatStreamName,
		Subjects:          []string{"wsapi.chat.>"},
		Storage:           jetstream.FileStorage,
		MaxMsgsPerSubject: int64(o.HistorySize),
		MaxAge:            o.HistoryAge,
		Discard:           jetstream.DiscardOld,
		Duplicates:        min(dupWindow, o.HistoryAge),
	})
	if err != nil {
		return nil, fmt.Errorf("failed to make the JetStream stream %s: %w", chatStreamName, err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:  nickBucket,
		TTL:     nickTTL,
		Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, fmt.Errorf("failed to make the JetStream bucket %s: %w", nickBucket, err)
	}
	b := &natsBus{
		room:     r,
		nc:       nc,
		js:       js,
		kv:       kv,
		name:     strconv.FormatInt(stream.CachedInfo().Created.UnixNano(), 36),
		node:     newEpoch(),
		log:      o.Logger,
		wake:     make(chan struct{}, 1),
		max:      o.PublishQueue,
		claims:   map[string]uint64{},
		progress: make(chan struct{}),
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	if err := b.readLast(ctx, stream); err != nil {
		b.cancel()
		return nil, err
	}
	cons, err := js.OrderedConsumer(ctx, chatStreamName, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{chatSubject},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		b.cancel()
		return nil, fmt.Errorf("failed to read the stream %s: %w", chatStreamName, err)
	}
	if b.cons, err = cons.Consume(b.receive); err != nil {
		b.cancel()
		return nil, fmt.Errorf("failed to read the stream %s: %w", chatStreamName, err)
	}
	r.bus = b
	b.wg.Add(2)
	go b.publisher()
	go b.refresher()
	b.readHistory()
	return b, nil
}

func (b *natsBus) epoch() string { return b.name }

// readLast learns the subject's last event: the next one follows it.
func (b *natsBus) readLast(ctx context.Context, stream jetstream.Stream) error {
	if stream == nil {
		var err error
		if stream, err = b.js.Stream(ctx, chatStreamName); err != nil {
			return err
		}
	}
	m, err := stream.GetLastMsgForSubject(ctx, chatSubject)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return b.readEmpty(ctx, stream)
	}
	if err != nil {
		return fmt.Errorf("failed to read the last chat event: %w", err)
	}
	seq, err := strconv.ParseInt(m.Header.Get(seqHeader), 10, 64)
	if err != nil {
		return fmt.Errorf("chat event %d has a bad %s header %q", m.Sequence, seqHeader, m.Header.Get(seqHeader))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if m.Sequence >= b.lastSSeq {
		b.lastSeq, b.lastSSeq = seq, m.Sequence
	}
	return nil
}

// readEmpty learns the numbering of a subject without events: new, or
// quiet longer than MaxAge, which dropped them all. The next event then
// expects no last one, and its seq follows the last this node knows, or,
// for a node that knows none, the stream's last sequence: each event of
// the room took one, so no seq given before is greater, and seq never
// goes back within an epoch (it is the same seq on a stream of this room
// alone).
func (b *natsBus) readEmpty(ctx context.Context, stream jetstream.Stream) error {
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("failed to read the stream %s: %w", chatStreamName, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastSeq = max(b.lastSeq, int64(info.State.LastSeq))
	b.lastSSeq = 0
	return nil
}

// receive delivers one event of the stream to the room, in the stream's
// order; the ordered consumer starts again after the last one it
// delivered when NATS comes back, and a seq already delivered is dropped.
func (b *natsBus) receive(msg jetstream.Msg) {
	b.mu.Lock()
	hold := b.testHold
	b.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-b.ctx.Done():
			return
		}
	}
	seq, err := strconv.ParseInt(msg.Headers().Get(seqHeader), 10, 64)
	if err != nil {
		b.log.Warn("nats: chat event without seq, dropped", "header", msg.Headers().Get(seqHeader))
		return
	}
	at := time.Now()
	var sseq uint64
	if md, err := msg.Metadata(); err == nil {
		at, sseq = md.Timestamp, md.Sequence.Stream
	}
	b.mu.Lock()
	if sseq > b.lastSSeq { // the next publish need not learn it by a conflict
		b.lastSeq, b.lastSSeq = seq, sseq
	}
	if seq <= b.delivered {
		b.mu.Unlock()
		return
	}
	b.delivered = seq
	b.mu.Unlock()
	data := append([]byte(nil), msg.Data()...)
	b.room.deliver(seq, at, &message{typ: websocket.MessageText, data: data})
	b.mu.Lock()
	b.arrived = seq
	close(b.progress)
	b.progress = make(chan struct{})
	b.mu.Unlock()
}

// close stops the consumer, the publisher (events not yet stored are
// dropped: the room is shut down, no say of them was acknowledged) and
// the refresher, then releases this node's nicks, those whose release
// was queued too; the server closes the connection. The server tells its
// members it is going only after this returns, so the releases run at
// once, not one request's timeout after another when NATS does not
// answer, and not at all while it is known to be unreachable: the nicks
// then expire (nickTTL).
func (b *natsBus) close() {
	b.cons.Stop()
	b.cancel()
	b.wg.Wait()
	b.mu.Lock()
	held := make(map[string]uint64, len(b.claims))
	for _, p := range b.queue {
		if p.release != "" {
			held[p.release] = p.rev
		}
	}
	for n, rev := range b.claims {
		held[n] = rev
	}
	b.queue, b.claims = nil, map[string]uint64{}
	b.mu.Unlock()
	if !b.nc.IsConnected() {
		return
	}
	var wg sync.WaitGroup
	for n, rev := range held {
		wg.Go(func() { b.deleteClaim(n, rev) })
	}
	wg.Wait()
}
