//go:build !js

package server

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// claim creates nick's key; it exists while a member of some node has
// the nick. If NATS cannot be asked, the nick is given (a duplicate nick
// is better than a member kept out).
func (b *natsBus) claim(nick string) bool {
	ctx, cancel := context.WithTimeout(b.ctx, natsTimeout)
	defer cancel()
	rev, err := b.kv.Create(ctx, nick, []byte(b.node))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return false
	}
	if err != nil {
		b.log.Warn("nats: claiming a nick failed, given unchecked", "nick", nick, "error", err)
		return true
	}
	b.mu.Lock()
	b.claims[nick] = rev
	b.mu.Unlock()
	return true
}

// release has the publisher delete nick's key, if this node still holds
// it; it never waits.
func (b *natsBus) release(nick string) {
	b.mu.Lock()
	rev, ok := b.claims[nick]
	delete(b.claims, nick)
	if ok {
		b.queue = append(b.queue, pending{release: nick, rev: rev})
	}
	b.mu.Unlock()
	if ok {
		b.wakePublisher()
	}
}

// deleteClaim deletes nick's key, if it is still at revision rev; one
// try: a key left behind expires after nickTTL. Not ended by close, so
// that close releases what it can.
func (b *natsBus) deleteClaim(nick string, rev uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), natsTimeout)
	defer cancel()
	if err := b.kv.Delete(ctx, nick, jetstream.LastRevision(rev)); err != nil {
		b.log.Warn("nats: releasing a nick failed; it expires", "nick", nick, "error", err)
	}
}

// refresher keeps this node's nicks claimed, every third of nickTTL.
func (b *natsBus) refresher() {
	defer b.wg.Done()
	t := time.NewTicker(nickTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-t.C:
		}
		b.mu.Lock()
		claims := make(map[string]uint64, len(b.claims))
		for n, r := range b.claims {
			claims[n] = r
		}
		b.mu.Unlock()
		for nick, rev := range claims {
			ctx, cancel := context.WithTimeout(b.ctx, natsTimeout)
			next, err := b.kv.Update(ctx, nick, []byte(b.node), rev)
			cancel()
			b.mu.Lock()
			if cur, ok := b.claims[nick]; ok && cur == rev {
				if err == nil {
					b.claims[nick] = next
				} else if errors.Is(err, jetstream.ErrKeyExists) {
					delete(b.claims, nick) // lapsed, and taken since
				}
			}
			b.mu.Unlock()
		}
	}
}
