//go:build !js

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
)

// room is the run's state: the servers, the publisher and the receivers.
type room struct {
	cfg config
	// servers serve the room: one, or several sharing it through nats.
	// The publisher talks to the first; the receivers are spread over
	// them in turn.
	servers []*benchsrv.Child
	nats    *benchsrv.Child // nil with one server
	// noStall: no receiver is designated to stall (cluster.go's rooms).
	noStall   bool
	pub       *publisher
	normal    *benchsrv.Dialer
	slow      *benchsrv.Dialer
	receivers []*receiver
	nicks     int
	syncs     int64
	phases    int
	log       io.Writer
}

func (r *room) close() {
	// Stopping the servers first spares them the leaves of everyone.
	for _, c := range r.servers {
		c.Stop()
	}
	if r.nats != nil {
		r.nats.Stop()
	}
	if r.pub != nil {
		r.pub.conn.CloseNow()
	}
	for _, rc := range r.receivers {
		rc.conn.CloseNow()
	}
}

// grow joins receivers until n read and 1% (at least one) of them are
// designated to stall; those closed by an earlier stalled phase are
// replaced. It returns once every receiver has read all the joins.
func (r *room) grow(ctx context.Context, n int) error {
	wantStalled := max(1, n/100)
	if r.noStall {
		wantStalled = 0
	}
	wantNormal := n - wantStalled
	var normal, stalled int
	alive := r.receivers[:0]
	for _, rc := range r.receivers {
		if rc.ended() {
			continue // closed by the server
		}
		alive = append(alive, rc)
		if rc.stalled {
			stalled++
		} else {
			normal++
		}
	}
	r.receivers = alive

	kinds := slices.Repeat([]bool{false}, wantNormal-normal)
	kinds = append(kinds, slices.Repeat([]bool{true}, wantStalled-stalled)...)
	// Joins come in batches, each followed by a sync that all read
	// before the next batch dials: the server closes a member whose
	// queue of 64 messages is full, and the room grows no faster than
	// its members read. (The joins of a batch are announced together.)
	for len(kinds) > 0 {
		batch := kinds[:min(joinBatch, len(kinds))]
		kinds = kinds[len(batch):]
		if err := r.join(ctx, batch); err != nil {
			return err
		}
		if err := r.sync(ctx, func(rc *receiver) bool { return true }, time.Minute); err != nil {
			return err
		}
	}
	return nil
}

// joinBatch is how many receivers join at once.
const joinBatch = 32

// join connects a receiver for each of stalled, at once; true makes one
// that stalls in stalled phases.
func (r *room) join(ctx context.Context, stalled []bool) error {
	type joined struct {
		rc  *receiver
		err error
	}
	res := make(chan joined, len(stalled))
	for _, st := range stalled {
		r.nicks++
		nick, d := "r"+strconv.Itoa(r.nicks), r.normal
		if st {
			nick, d = "s"+strconv.Itoa(r.nicks), r.slow
		}
		srv := r.servers[r.nicks%len(r.servers)]
		go func() {
			c, err := d.Dial(ctx, srv.WSURL("/ws/chat?nick="+nick))
			if err != nil {
				res <- joined{err: err}
				return
			}
			rc := &receiver{conn: c, nick: nick, stalled: st, resume: make(chan struct{}), done: make(chan struct{})}
			welcome := make(chan struct{})
			rc.welcome = welcome
			go rc.read()
			// The server joins it to the room after the handshake.
			select {
			case <-welcome:
				res <- joined{rc: rc}
			case <-rc.done:
				res <- joined{err: fmt.Errorf("%s: closed before its welcome: %w", nick, rc.err)}
			case <-time.After(time.Minute):
				res <- joined{err: fmt.Errorf("%s: no welcome in a minute", nick)}
			}
		}()
	}
	var errs []error
	for range stalled {
		j := <-res
		if j.err != nil {
			errs = append(errs, j.err)
		} else {
			r.receivers = append(r.receivers, j.rc)
		}
	}
	return errors.Join(errs...)
}

// sync has the publisher say a sync message, and waits until every
// receiver that want picks, and that is still connected, has read it.
func (r *room) sync(ctx context.Context, want func(*receiver) bool, limit time.Duration) error {
	r.syncs++
	k := r.syncs
	if err := r.pub.say(ctx, "sync "+strconv.FormatInt(k, 10)); err != nil {
		return fmt.Errorf("failed to send sync: %w", r.pub.why(err))
	}
	deadline := time.Now().Add(limit)
	for {
		waiting := 0
		for _, rc := range r.receivers {
			if want(rc) && rc.synced.Load() < k && !rc.ended() {
				waiting++
			}
		}
		if waiting == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d receivers did not read sync %d in %v", waiting, k, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// measure runs one phase: the publisher talks for cfg.duration, or, with
// stall, until the server has closed every stalled receiver (at least
// cfg.duration, at most cfg.stallMax). With profile set, a CPU profile of
// the server over the phase is written there.
func (r *room) measure(ctx context.Context, stall bool, profile string) (*phase, error) {
	id := r.phases
	r.phases++
	if id >= maxPhases {
		return nil, errors.New("too many phases")
	}
	ph := &phase{}
	var reading []*receiver
	stalled := map[string]*receiver{}
	for _, rc := range r.receivers {
		if rc.ended() {
			continue
		}
		if stall && rc.stalled {
			stalled[rc.nick] = rc
		} else {
			reading = append(reading, rc)
		}
	}
	ph.receivers, ph.stalled = len(reading), len(stalled)
	// Leaves from before belong to nobody here.
	for len(r.pub.leaves) > 0 {
		<-r.pub.leaves
	}

	var profErr chan error
	if profile != "" {
		profErr = make(chan error, 1)
		go func() {
			secs := int(r.cfg.duration / time.Second)
			b, err := r.servers[0].Get(ctx, "/debug/pprof/profile?seconds="+strconv.Itoa(max(secs, 1)))
			if err == nil {
				err = os.WriteFile(profile, b, 0o644)
			}
			profErr <- err
		}()
	}
	used0, usedErr := r.usage()
	start := time.Now()
	for _, rc := range stalled {
		rc.pause.Store(true)
	}
	tick := time.NewTicker(r.cfg.interval)
	defer tick.Stop()
	kicked := map[string]bool{}
talk:
	for {
		el := time.Since(start)
		if el >= r.cfg.stallMax || el >= r.cfg.duration && len(kicked) == len(stalled) {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-r.pub.done:
			ph.pubClosed = true
			fmt.Fprintf(r.log, "fanout: the server closed the publisher: %v\n", r.pub.err)
			break talk
		case nick := <-r.pub.leaves:
			if rc, ok := stalled[nick]; ok && !kicked[nick] {
				if len(kicked) == 0 {
					ph.firstKick = time.Since(start)
				}
				kicked[nick] = true
				ph.kickedBy = time.Since(start)
				rc.unpause() // read what is left, and the close frame
			}
		case <-tick.C:
			if err := r.pub.say(ctx, stamp(id, now())); err != nil {
				select {
				case <-r.pub.done:
					ph.pubClosed = true
					break talk
				case <-time.After(time.Second):
				}
				return nil, fmt.Errorf("publisher: %w", err)
			}
			ph.sent++
		}
	}
	ph.elapsed = time.Since(start)
	if ph.pubClosed {
		// No sync without a publisher: end every connection and take
		// what arrived.
		for _, rc := range r.receivers {
			rc.conn.CloseNow()
			rc.unpause()
		}
		for _, rc := range r.receivers {
			select {
			case <-rc.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
	} else if err := r.sync(ctx, func(rc *receiver) bool { return stalled[rc.nick] == nil }, time.Minute); err != nil {
		return nil, err
	}
	ph.used.writes = -1
	if used1, err := r.usage(); err == nil && usedErr == nil {
		ph.used, ph.wall = used1.plus(-1, used0), time.Since(start).Seconds()
	}

	var around, away []int32
	for _, rc := range reading {
		if rc.ended() && !ph.pubClosed {
			ph.lost++
		}
		// sync read it, after the phase's messages, or the read loop
		// has ended: its slice is complete.
		ph.lat = append(ph.lat, rc.lat[id]...)
		if len(kicked) > 0 {
			from := start.Sub(base) + ph.firstKick - 100*time.Millisecond
			to := start.Sub(base) + ph.kickedBy + 400*time.Millisecond
			for i, l := range rc.lat[id] {
				if t := time.Duration(rc.sentAt[id][i]) * time.Millisecond; from <= t && t <= to {
					around = append(around, l)
				} else {
					away = append(away, l)
				}
			}
		}
		rc.lat[id], rc.sentAt[id] = nil, nil
	}
	slices.Sort(ph.lat)
	ph.p99Around, ph.p99Away = p99(around), p99(away)
	ph.expected = ph.sent * ph.receivers
	if ph.pubClosed {
		ph.lost = ph.receivers // all cut, one way or the other
	}

	for nick, rc := range stalled {
		if !kicked[nick] {
			if !ph.pubClosed {
				// The server kept it: let it read again, it stays.
				rc.pause.Store(false)
				rc.unpause()
			}
			continue
		}
		select {
		case <-rc.done:
			ph.kicked++
			if websocket.CloseStatus(rc.err) == websocket.StatusPolicyViolation {
				ph.kicked1008++
			}
		case <-time.After(10 * time.Second):
			fmt.Fprintf(r.log, "fanout: %s left the room but its connection stayed open\n", nick)
		}
	}
	if profErr != nil {
		if err := <-profErr; err != nil {
			return nil, err
		}
	}
	return ph, nil
}
