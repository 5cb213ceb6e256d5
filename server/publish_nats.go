//go:build !js

package server

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// publish queues e for the publisher; it never waits.
func (b *natsBus) publish(e event) {
	b.mu.Lock()
	b.queue = append(b.queue, pending{e: e})
	b.mu.Unlock()
	b.wakePublisher()
}

func (b *natsBus) wakePublisher() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// full reports whether Options.PublishQueue events (and releases) wait
// to be stored, the one being stored included: what NATS has yet to take is bounded
// while it is away, and the room refuses says.
func (b *natsBus) full() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(b.queue)
	if b.storing {
		n++
	}
	return n >= b.max
}

// publisher stores the queued events, one at a time, in order.
func (b *natsBus) publisher() {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		b.storing = false
		var p pending
		n := len(b.queue)
		if n > 0 {
			p = b.queue[0]
			b.queue[0] = pending{}
			b.queue = b.queue[1:]
			b.storing = true
			b.nextID++
		}
		id := b.node + "-" + strconv.FormatUint(b.nextID, 10)
		b.mu.Unlock()
		if n == 0 {
			select {
			case <-b.ctx.Done():
				return
			case <-b.wake:
			}
			continue
		}
		if p.release != "" {
			b.deleteClaim(p.release, p.rev)
			continue
		}
		b.store(p.e, id)
	}
}

// store publishes e as the subject's next event until JetStream has it
// (or the bus closes), numbering it anew after each conflict.
func (b *natsBus) store(e event, id string) {
	for b.ctx.Err() == nil {
		b.mu.Lock()
		seq, expect := b.lastSeq+1, b.lastSSeq
		b.mu.Unlock()
		now := time.Now()
		e.Seq, e.Time = seq, stamp(now)
		data, _ := json.Marshal(e)
		msg := &nats.Msg{Subject: chatSubject, Data: data, Header: nats.Header{}}
		msg.Header.Set(seqHeader, strconv.FormatInt(seq, 10))
		ctx, cancel := context.WithTimeout(b.ctx, natsTimeout)
		ack, err := b.js.PublishMsg(ctx, msg, jetstream.WithMsgID(id), jetstream.WithExpectLastSequencePerSubject(expect))
		cancel()
		switch {
		case err == nil && !ack.Duplicate:
			b.mu.Lock()
			if ack.Sequence > b.lastSSeq {
				b.lastSeq, b.lastSSeq = seq, ack.Sequence
			}
			b.mu.Unlock()
			return
		case err == nil: // stored by an earlier try, whose ack was lost
			b.refreshLast()
			return
		case isWrongLast(err): // another node's event came first
			b.refreshLast()
		default:
			b.log.Warn("nats: publish failed, retrying", "error", err)
			select {
			case <-b.ctx.Done():
			case <-time.After(retryWait):
			}
			b.refreshLast()
		}
	}
}

func (b *natsBus) refreshLast() {
	ctx, cancel := context.WithTimeout(b.ctx, natsTimeout)
	defer cancel()
	if err := b.readLast(ctx, nil); err != nil && b.ctx.Err() == nil {
		b.log.Warn("nats: reading the last chat event failed", "error", err)
	}
}

func isWrongLast(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}
