//go:build !js

// Command fanout measures how the demo's chat room (package server,
// /ws/chat) delivers to many clients (item 5 of `make bench`).
//
// The server runs in a child process (bench/internal/benchsrv); this
// process holds the clients. For each room size (-clients, default 100,
// 1,000 and 5,000 receivers) it joins receivers until the room has that
// many, then a publisher client says one message every 10 ms for
// -duration, each carrying the time it was sent; every receiver notes how
// long the message took to reach it. Then again with 1% of the receivers
// (at least one) not reading: the others' latency should not move, and
// the server should close the stalled ones with 1008 "too slow".
//
// The stalled receivers connect from 127.0.0.3, whose connections the
// child server gives a small socket send buffer (benchsrv.Config.SlowAddr),
// and ask for a small receive buffer themselves: on loopback the kernel
// would otherwise buffer 4 MiB for each, minutes of chat at this rate,
// before the server's own slow-reader handling (a full send queue) had
// anything to do. The others connect with the kernel's defaults.
//
// Latency is from the publisher's write to the receiver's read, on one
// clock (both are this process). After each phase the publisher says a
// last "sync" message and the phase ends once every reading receiver has
// seen it, so no message still in flight is missed. The CPU time of both
// processes is read from /proc for each phase: on a small machine the
// clients compete with the server for the same cores.
//
//	go run ./bench/cmd/fanout -clients 100,1000,5000 -duration 5s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// Targets: p99 at the largest room at most 3× p99 at the smallest, and
// stalled receivers raise the others' p99 by at most 20%.
const (
	maxScale = 3.0
	maxStall = 1.2
)

// Where the clients connect from (see the package comment).
const (
	publisherAddr = 2 // 127.0.0.2
	stalledAddr   = 3 // 127.0.0.3, benchsrv's SlowAddr
	firstAddr     = 4 // receivers: 127.0.0.4 and on
	// stalledRcvBuf is the stalled receivers' SO_RCVBUF.
	stalledRcvBuf = 4 << 10
)

type config struct {
	sizes    []int
	duration time.Duration // of each phase
	stallMax time.Duration // the longest a stalled phase may wait for its kicks
	interval time.Duration // between two messages
	profDir  string        // where to keep the CPU profile of a miss
	// rateLimit is the server's (server.Options.RateLimit): 0, its
	// default of 100 messages a second, lets the publisher talk every
	// 10 ms.
	rateLimit float64
}

func main() {
	benchsrv.MaybeServe()
	sizes := flag.String("clients", "100,1000,5000", "comma-separated room `sizes` (receivers), smallest first")
	duration := flag.Duration("duration", 5*time.Second, "how long the publisher talks in each phase")
	stallMax := flag.Duration("stall-max", 20*time.Second, "how long a stalled phase waits for the server to close the stalled receivers")
	interval := flag.Duration("interval", 10*time.Millisecond, "time between two messages of the publisher")
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	profDir := flag.String("profiles", "", "keep the CPU profile of a miss in this `dir`")
	timeout := flag.Duration("timeout", 8*time.Minute, "give up after this `duration`")
	flag.Parse()

	cfg := config{duration: *duration, stallMax: *stallMax, interval: *interval, profDir: *profDir}
	for f := range strings.SplitSeq(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "fanout: bad -clients %q\n", *sizes)
			os.Exit(2)
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	s, err := run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
	s.Print(os.Stdout)
	if err := s.Write(*jsonOut); err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
}

// base is the zero of the timestamps the publisher sends: time.Since
// reads the monotonic clock.
var base = time.Now()

func now() time.Duration { return time.Since(base) }

// maxPhases bounds the phases of a run: two per room size, one profile.
const maxPhases = 16

// receiver is one chat client that reads, or stops reading when told.
type receiver struct {
	conn    *websocket.Conn
	nick    string
	stalled bool
	pause   atomic.Bool        // stop reading before the next message
	resume  chan struct{}      // closed: read again
	resumed bool               // resume is closed; the run's goroutine's only
	synced  atomic.Int64       // the last sync message seen
	welcome chan struct{}      // closed when the welcome came: it is in the room
	lat     [maxPhases][]int32 // µs
	sentAt  [maxPhases][]int32 // ms since base, of the same messages
	done    chan struct{}      // closed when the read loop has ended
	err     error              // why it ended; read after done
}

// unpause lets a receiver told to pause read again, once.
func (r *receiver) unpause() {
	if !r.resumed {
		r.resumed = true
		close(r.resume)
	}
}

func (r *receiver) read() {
	defer close(r.done)
	buf := make([]byte, 0, 512)
	for {
		if r.pause.Load() {
			<-r.resume
		}
		_, rd, err := r.conn.Reader(context.Background())
		if err == nil {
			buf, err = readAll(rd, buf[:0])
		}
		if err != nil {
			r.err = err
			return
		}
		t := now()
		if r.welcome != nil {
			close(r.welcome)
			r.welcome = nil
		}
		text, ok := sayText(buf)
		if !ok {
			continue // join, leave, welcome
		}
		switch {
		case strings.HasPrefix(text, "sync "):
			k, _ := strconv.ParseInt(text[5:], 10, 64)
			r.synced.Store(k)
		case strings.HasPrefix(text, "p"):
			phase, sent, ok := parseStamp(text)
			if ok && phase < maxPhases {
				r.lat[phase] = append(r.lat[phase], int32((t-sent)/time.Microsecond))
				r.sentAt[phase] = append(r.sentAt[phase], int32(sent/time.Millisecond))
			}
		}
	}
}

// readAll appends what rd holds to buf, reusing its space.
func readAll(rd io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// sayText finds the text of a say event without decoding all of it: the
// server writes "type" first, and the texts here need no escapes.
func sayText(b []byte) (string, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"say"`)) {
		return "", false
	}
	return field(b, `"text":"`)
}

func field(b []byte, key string) (string, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return "", false
	}
	rest := b[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return "", false
	}
	return string(rest[:j]), true
}

// A stamp is "p<phase> <nanoseconds since base>".
func stamp(phase int, t time.Duration) string {
	return "p" + strconv.Itoa(phase) + " " + strconv.FormatInt(int64(t), 10)
}

func parseStamp(s string) (phase int, sent time.Duration, ok bool) {
	p, t, ok := strings.Cut(s[1:], " ")
	if !ok {
		return 0, 0, false
	}
	ph, err1 := strconv.Atoi(p)
	ns, err2 := strconv.ParseInt(t, 10, 64)
	return ph, time.Duration(ns), err1 == nil && err2 == nil
}

// publisher is the client that talks; it reads too, for the leaves.
type publisher struct {
	conn   *websocket.Conn
	leaves chan string // nicks that left
	done   chan struct{}
	err    error // why the read loop ended; read after done
}

func (p *publisher) read() {
	defer close(p.done)
	buf := make([]byte, 0, 512)
	for {
		_, rd, err := p.conn.Reader(context.Background())
		if err == nil {
			buf, err = readAll(rd, buf[:0])
		}
		if err != nil {
			p.err = err
			return
		}
		if bytes.HasPrefix(buf, []byte(`{"type":"leave"`)) {
			for _, nick := range leaveNicks(buf) {
				select {
				case p.leaves <- nick:
				default: // nobody counts leaves this many
				}
			}
		}
	}
}

// leaveNicks returns the nicks a leave event names: the server announces
// the leaves of a burst in one event, whose "nicks" lists them all; one
// alone has only "nick".
func leaveNicks(b []byte) []string {
	var e struct {
		Nick  string   `json:"nick"`
		Nicks []string `json:"nicks"`
	}
	if json.Unmarshal(b, &e) != nil {
		return nil
	}
	if e.Nicks != nil {
		return e.Nicks
	}
	return []string{e.Nick}
}

// why adds to a failed write what ended the connection, when the read
// loop knows.
func (p *publisher) why(err error) error {
	select {
	case <-p.done:
		return fmt.Errorf("%w (the connection ended: %v)", err, p.err)
	case <-time.After(time.Second):
		return err
	}
}

func (p *publisher) say(ctx context.Context, text string) error {
	msg, _ := json.Marshal(map[string]string{"type": "say", "text": text})
	return p.conn.Write(ctx, websocket.MessageText, msg)
}

// room is the run's state: the server, the publisher and the receivers.
type room struct {
	cfg       config
	child     *benchsrv.Child
	pub       *publisher
	normal    *benchsrv.Dialer
	slow      *benchsrv.Dialer
	receivers []*receiver
	nicks     int
	syncs     int64
	phases    int
	log       io.Writer
}

// phase is what one phase measured.
type phase struct {
	receivers  int           // reading receivers
	sent       int           // messages the publisher sent
	lat        []int32       // µs, sorted
	expected   int           // sent × reading receivers
	lost       int           // reading receivers that the server closed
	pubClosed  bool          // the server closed the publisher: the phase ended there
	stalled    int           // receivers told to stop reading
	kicked     int           // of those, closed by the server
	kicked1008 int           // of those, with 1008
	kickedBy   time.Duration // when the last stalled receiver was closed, from the phase's start
	firstKick  time.Duration // when the first was
	// With stalled receivers, the others' p99 of the messages sent
	// around the closes (from 100 ms before the first to 400 ms after
	// the last) and of the rest.
	p99Around, p99Away time.Duration
	elapsed            time.Duration
	serverCPU          float64 // cores, on average over the phase
	serverSecs         float64 // CPU seconds of the server over the phase
	serverWrites       int64   // write system calls of the server over the phase; -1 unknown
	clientCPU          float64
	busyCPU            float64 // the whole machine's
	label              string  // which phase of its step
}

// never is the latency of a message that was not delivered.
const never = time.Duration(math.MaxInt64)

// pct is the q-quantile of the latencies of all the messages expected,
// never when more than 1-q of them were not delivered.
func (p *phase) pct(q float64) time.Duration {
	if p.expected == 0 {
		return never
	}
	i := min(int(q*float64(p.expected)), p.expected-1)
	if i >= len(p.lat) {
		return never
	}
	return time.Duration(p.lat[i]) * time.Microsecond
}

// p99 is the 0.99-quantile of the delivered latencies l, in µs.
func p99(l []int32) time.Duration {
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	return time.Duration(l[min(len(l)*99/100, len(l)-1)]) * time.Microsecond
}

// broken says that the server could not keep up: it closed reading
// receivers, or the publisher.
func (p *phase) broken() bool { return p.lost > 0 || p.pubClosed }

// step is one room size: a phase without stalled receivers, one with,
// and one more without, whose latencies together are normal; stall is
// nil when the room broke down without them.
type step struct {
	size          int
	phases        []*phase // as they ran
	normal, stall *phase
	joinTime      time.Duration
}

// merge is the phases a and b as one, for their latencies together.
func merge(a, b *phase) *phase {
	m := *a
	m.lat = append(slices.Clip(a.lat), b.lat...)
	slices.Sort(m.lat)
	m.sent += b.sent
	m.expected += b.expected
	m.lost += b.lost
	m.pubClosed = a.pubClosed || b.pubClosed
	return &m
}

func run(ctx context.Context, cfg config, log io.Writer) (*report.Section, error) {
	largest := slices.Max(cfg.sizes)
	if err := benchsrv.RaiseFileLimit(uint64(largest) + 1024); err != nil {
		return nil, err
	}
	child, err := benchsrv.Start(ctx, benchsrv.Config{
		Mode:      benchsrv.Ours,
		SlowAddr:  fmt.Sprintf("127.0.0.%d", stalledAddr),
		RateLimit: cfg.rateLimit,
	})
	if err != nil {
		return nil, err
	}
	r := &room{
		cfg:    cfg,
		child:  child,
		normal: benchsrv.NewDialer(firstAddr, benchsrv.AddrsFor(largest), 0),
		slow:   benchsrv.NewDialer(stalledAddr, 1, stalledRcvBuf),
		log:    log,
	}
	defer r.close()

	pc, err := benchsrv.NewDialer(publisherAddr, 1, 0).Dial(ctx, child.WSURL("/ws/chat?nick=pub"))
	if err != nil {
		return nil, err
	}
	r.pub = &publisher{conn: pc, leaves: make(chan string, 1<<16), done: make(chan struct{})}
	go r.pub.read()

	// The server's CPU profile over the largest room's phase, shown
	// where a target is missed. Sampling costs the server about 1%.
	profDir := cfg.profDir
	if profDir == "" {
		if profDir, err = os.MkdirTemp("", "fanout-"); err != nil {
			return nil, err
		}
		defer os.RemoveAll(profDir)
	} else if err := os.MkdirAll(profDir, 0o755); err != nil {
		return nil, err
	}
	profFile := filepath.Join(profDir, "fanout-server-cpu.pb.gz")

	var steps []*step
	for i, n := range cfg.sizes {
		st := &step{size: n}
		steps = append(steps, st)
		start := time.Now()
		if err := r.grow(ctx, n); err != nil {
			return nil, err
		}
		st.joinTime = time.Since(start)
		fmt.Fprintf(log, "fanout: %d receivers joined in %v\n", n, st.joinTime.Round(time.Millisecond))
		prof := ""
		if i == len(cfg.sizes)-1 {
			prof = profFile
		}
		// Stalled receivers between two phases without, so that the
		// comparison is with what came just before and just after.
		before, err := r.measure(ctx, false, prof)
		if err != nil {
			return nil, err
		}
		before.label = "before"
		st.phases = append(st.phases, before)
		st.normal = before
		fmt.Fprintf(log, "fanout: %d receivers: p99 %s, %d closed by the server\n", n, ms(before.pct(0.99)), before.lost)
		if before.pubClosed {
			break // no room left to measure in
		}
		if before.broken() {
			continue // stalled receivers would tell nothing more
		}
		stall, err := r.measure(ctx, true, "")
		if err != nil {
			return nil, err
		}
		stall.label = "1% stalled"
		st.phases = append(st.phases, stall)
		st.stall = stall
		fmt.Fprintf(log, "fanout: %d receivers, %d stalled: p99 %s, %d stalled closed (1008: %d)\n", n,
			stall.stalled, ms(stall.pct(0.99)), stall.kicked, stall.kicked1008)
		if stall.pubClosed {
			break
		}
		after, err := r.measure(ctx, false, "")
		if err != nil {
			return nil, err
		}
		after.label = "after"
		st.phases = append(st.phases, after)
		st.normal = merge(before, after)
		fmt.Fprintf(log, "fanout: %d receivers again: p99 %s, %d closed by the server\n", n-stall.stalled, ms(after.pct(0.99)), after.lost)
		if after.pubClosed {
			break
		}
	}

	var profile string
	if !scalePass(steps) || slices.ContainsFunc(steps, func(st *step) bool { return st.stall != nil && !stallPass(st) }) {
		out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=25", profFile).CombinedOutput()
		profile = strings.TrimSpace(string(out))
		if err != nil {
			profile = fmt.Sprintf("go tool pprof: %v\n%s", err, out)
		}
	}
	return section(cfg, steps, profile), nil
}

func (r *room) close() {
	// Stopping the server first spares it the leaves of everyone.
	r.child.Stop()
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
	wantNormal := n - wantStalled
	var normal, stalled int
	alive := r.receivers[:0]
	for _, rc := range r.receivers {
		select {
		case <-rc.done:
			continue // closed by the server
		default:
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
		go func() {
			c, err := d.Dial(ctx, r.child.WSURL("/ws/chat?nick="+nick))
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
			if !want(rc) || rc.synced.Load() >= k {
				continue
			}
			select {
			case <-rc.done:
				continue
			default:
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
		select {
		case <-rc.done:
			continue
		default:
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
			b, err := r.child.Get(ctx, "/debug/pprof/profile?seconds="+strconv.Itoa(max(secs, 1)))
			if err == nil {
				err = os.WriteFile(profile, b, 0o644)
			}
			profErr <- err
		}()
	}
	cpu0, cpuErr := cpuTimes(r.child.Pid())
	writes0, writesErr := writeCalls(r.child.Pid())
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
	if cpu1, err := cpuTimes(r.child.Pid()); err == nil && cpuErr == nil {
		secs := time.Since(start).Seconds()
		ph.serverSecs = cpu1[0] - cpu0[0]
		ph.serverCPU = ph.serverSecs / secs
		ph.clientCPU = (cpu1[1] - cpu0[1]) / secs
		ph.busyCPU = (cpu1[2] - cpu0[2]) / secs
	}
	ph.serverWrites = -1
	if writes1, err := writeCalls(r.child.Pid()); err == nil && writesErr == nil {
		ph.serverWrites = writes1 - writes0
	}

	var around, away []int32
	for _, rc := range reading {
		select {
		case <-rc.done:
			if !ph.pubClosed {
				ph.lost++
			}
		default:
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

// cpuTimes returns the CPU seconds (user and system) used so far by the
// process pid and by this one, and by the whole machine (all but idle and
// iowait), from /proc.
func cpuTimes(pid int) ([3]float64, error) {
	var t [3]float64
	for i, p := range []string{strconv.Itoa(pid), "self"} {
		b, err := os.ReadFile("/proc/" + p + "/stat")
		if err != nil {
			return t, err
		}
		// Fields after the command, which is in parentheses: utime and
		// stime are the 14th and 15th of the line, in clock ticks.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 13 {
			return t, errors.New("short /proc/pid/stat")
		}
		u, _ := strconv.ParseFloat(f[11], 64)
		s, _ := strconv.ParseFloat(f[12], 64)
		t[i] = (u + s) / clockTicks
	}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return t, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
	for i, v := range f[1:] {
		if i == 3 || i == 4 {
			continue
		}
		n, _ := strconv.ParseFloat(v, 64)
		t[2] += n / clockTicks
	}
	return t, nil
}

// writeCalls returns how many write system calls the process pid has
// made so far (syscw of /proc/pid/io): with the deliveries, it tells how
// well the server batches its writes, a figure that a busy machine does
// not blur as it does times.
func writeCalls(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/io")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "syscw:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, errors.New("no syscw in /proc/pid/io")
}

// clockTicks is USER_HZ, 100 on every Linux that Go runs on.
const clockTicks = 100

// ratio is a/b, infinite when a message of a was never delivered.
func ratio(a, b time.Duration) float64 {
	if a == never || b <= 0 {
		return math.Inf(1)
	}
	return float64(a) / float64(b)
}

// scalePass: p99 at the largest room at most maxScale times the smallest's.
func scalePass(steps []*step) bool {
	first, last := steps[0], steps[len(steps)-1]
	return ratio(last.normal.pct(0.99), first.normal.pct(0.99)) <= maxScale
}

// stallPass: the others' p99 at most maxStall times what it was without
// stalled receivers, none of them closed, and every stalled one closed
// with 1008.
func stallPass(st *step) bool {
	return ratio(st.stall.pct(0.99), st.normal.pct(0.99)) <= maxStall &&
		st.stall.kicked1008 == st.stall.stalled && !st.stall.broken()
}

func ms(d time.Duration) string {
	if d == never {
		return "lost"
	}
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
}

func msf(d time.Duration) float64 {
	if d == never {
		return math.Inf(1)
	}
	return float64(d) / float64(time.Millisecond)
}

func section(cfg config, steps []*step, profile string) *report.Section {
	s := &report.Section{Item: 5, Title: fmt.Sprintf("Fan-out: chat delivery latency, one message every %v", cfg.interval)}
	first, last := steps[0], steps[len(steps)-1]
	sr := ratio(last.normal.pct(0.99), first.normal.pct(0.99))
	s.Rows = append(s.Rows, report.Row{
		Name:   fmt.Sprintf("fan-out: p99 at %d vs %d clients", last.size, first.size),
		Ours:   ms(last.normal.pct(0.99)),
		Base:   ms(first.normal.pct(0.99)),
		Ratio:  report.Ratio(sr),
		Target: fmt.Sprintf("≤ %.1f×", maxScale),
		Pass:   report.Check(scalePass(steps)),
		Values: map[string]float64{"p99_large_ms": finite(msf(last.normal.pct(0.99))), "p99_small_ms": finite(msf(first.normal.pct(0.99))), "ratio": finite(sr)},
	})
	for _, st := range steps {
		if st.stall == nil {
			s.Rows = append(s.Rows, report.Row{
				Name: fmt.Sprintf("fan-out: p99 at %d, 1%% stalled", st.size),
				Ours: "not run",
				Base: ms(st.normal.pct(0.99)),
			})
			continue
		}
		r := ratio(st.stall.pct(0.99), st.normal.pct(0.99))
		s.Rows = append(s.Rows, report.Row{
			Name:   fmt.Sprintf("fan-out: p99 at %d, %d stalled (closed 1008: %d)", st.size, st.stall.stalled, st.stall.kicked1008),
			Ours:   ms(st.stall.pct(0.99)),
			Base:   ms(st.normal.pct(0.99)),
			Ratio:  report.Ratio(r),
			Target: fmt.Sprintf("≤ %.1f×, all closed", maxStall),
			Pass:   report.Check(stallPass(st)),
			Values: map[string]float64{"p99_stalled_ms": finite(msf(st.stall.pct(0.99))), "p99_ms": finite(msf(st.normal.pct(0.99))), "ratio": finite(r),
				"stalled": float64(st.stall.stalled), "closed_1008": float64(st.stall.kicked1008)},
		})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "The demo's server (package server, default options: send queue of 64) in a child process; the receivers, and a publisher\n")
	fmt.Fprintf(&d, "saying one timestamped message every %v, in this process. Latency runs from the publisher's write to a receiver's read;\n", cfg.interval)
	fmt.Fprintf(&d, "a message never delivered (its receiver closed by the server) counts as infinitely late, \"lost\".\n")
	fmt.Fprintf(&d, "Each room size runs three phases: without stalled receivers (before), with 1%% of them stalled, and without (after). Stalled receivers\n")
	fmt.Fprintf(&d, "stop reading when their phase starts, which lasts until the server has closed them all (at least %v, at most %v). The table's\n", cfg.duration, cfg.stallMax)
	fmt.Fprintf(&d, "figure without stalled receivers is the p99 of before and after together; the others' p99 with them is the stalled phase's.\n")
	fmt.Fprintf(&d, "\"Around the closes\" are the messages sent from 100 ms before the server closed the first stalled receiver to 400 ms after the last.\n")
	fmt.Fprintf(&d, "CPU is in cores on average over the phase, of the %d the machine has: the server's process, the clients' and the machine's whole.\n", numCPU())
	fmt.Fprintf(&d, "Server µs/delivery is the server's CPU time per message delivered, and writes/delivery its write system calls per message\n")
	fmt.Fprintf(&d, "delivered (below 1 when it sends several messages with one).\n\n")
	fmt.Fprintf(&d, "| receivers | phase | messages | delivered | p50 | p99 | max | closed by server | stalled closed (1008) | closed at | p99 around the closes, away | server CPU | client CPU | machine CPU | server µs/delivery | server writes/delivery | join time |\n")
	fmt.Fprintf(&d, "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, st := range steps {
		for i, ph := range st.phases {
			closed, by, split, join := "", "", "", ""
			if ph.stalled > 0 {
				closed = fmt.Sprintf("%d of %d (%d)", ph.kicked, ph.stalled, ph.kicked1008)
			}
			if ph.kicked > 0 {
				by = ph.firstKick.Round(10*time.Millisecond).String() + " to " + ph.kickedBy.Round(10*time.Millisecond).String()
				split = ms(ph.p99Around) + ", " + ms(ph.p99Away)
			}
			if i == 0 {
				join = st.joinTime.Round(10 * time.Millisecond).String()
			}
			lost := strconv.Itoa(ph.lost)
			if ph.pubClosed {
				lost = "all, the publisher too"
			}
			perDelivery, writes := 0.0, "?"
			if len(ph.lat) > 0 {
				perDelivery = ph.serverSecs / float64(len(ph.lat)) * 1e6
				if ph.serverWrites >= 0 {
					writes = fmt.Sprintf("%.2f", float64(ph.serverWrites)/float64(len(ph.lat)))
				}
			}
			worst := never
			if len(ph.lat) > 0 {
				worst = time.Duration(ph.lat[len(ph.lat)-1]) * time.Microsecond
			}
			fmt.Fprintf(&d, "| %d | %s | %d | %d of %d | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %.2f | %.1f | %s | %s |\n",
				ph.receivers, ph.label, ph.sent, len(ph.lat), ph.expected,
				ms(ph.pct(0.5)), ms(ph.pct(0.99)), ms(worst), lost, closed, by, split,
				ph.serverCPU, ph.clientCPU, ph.busyCPU, perDelivery, writes, join)
		}
	}
	for _, st := range steps {
		if st.stall == nil {
			fmt.Fprintf(&d, "\nAt %d receivers no phase with stalled receivers ran: without them already, the server closed receivers (or the publisher) as too slow.\n", st.size)
		}
	}
	if profile != "" {
		fmt.Fprintf(&d, "\nA target was missed. The server's CPU profile over the phase at %d receivers:\n\n```\n%s\n```\n", last.size, profile)
	}
	s.Detail = d.String()
	return s
}

// finite keeps JSON happy, which has no infinity.
func finite(f float64) float64 {
	if math.IsInf(f, 0) {
		return -1
	}
	return f
}

func numCPU() int { return runtime.NumCPU() }
