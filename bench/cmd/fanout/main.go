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
// With -nats it compares instead, at each size, two servers sharing the
// room through a nats-server with JetStream with one server, the same
// receivers in each (cluster.go).
//
//	go run ./bench/cmd/fanout -clients 100,1000,5000 -duration 5s
//	go run ./bench/cmd/fanout -nats -clients 100,1000
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/prof"
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
	// rounds is how many phases each setup of -nats runs.
	rounds int
	// rateLimit is the server's (server.Options.RateLimit): 0, its
	// default of 100 messages a second, lets the publisher talk every
	// 10 ms.
	rateLimit float64
}

func main() {
	benchsrv.MaybeServe()
	sizes := flag.String("clients", "100,1000,5000", "comma-separated room `sizes` (receivers), smallest first")
	duration := flag.Duration("duration", 5*time.Second, "how long the publisher talks in each phase")
	jsonOut := flag.String("json", "", "write the results to this `file` for benchreport")
	profDir := flag.String("profiles", "", "keep the CPU profile of a miss in this `dir`")
	timeout := flag.Duration("timeout", 8*time.Minute, "give up after this `duration`")
	natsMode := flag.Bool("nats", false, "compare two servers sharing the room through NATS JetStream with one server, at each size, instead")
	rounds := flag.Int("rounds", 2, "phases of each setup with -nats, taking turns")
	flag.Parse()

	if *rounds < 1 {
		fmt.Fprintf(os.Stderr, "fanout: bad -rounds %d: at least 1\n", *rounds)
		os.Exit(2)
	}
	cfg := config{duration: *duration, stallMax: 20 * time.Second, interval: 10 * time.Millisecond, profDir: *profDir, rounds: *rounds}
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
	runner := run
	if *natsMode {
		runner = runCluster
	}
	s, err := runner(ctx, cfg, os.Stderr)
	report.Finish("fanout", s, err, *jsonOut)
}

func run(ctx context.Context, cfg config, log io.Writer) (*report.Section, error) {
	largest := slices.Max(cfg.sizes)
	if err := benchsrv.RaiseFileLimit(uint64(largest) + 1024); err != nil {
		return nil, err
	}
	r, err := newRoom(ctx, cfg, 1, largest, log)
	if err != nil {
		return nil, err
	}
	defer r.close()

	// The server's CPU profile over the largest room's phase, shown
	// where a target is missed. Sampling costs the server about 1%.
	profDir, cleanup, err := prof.Dir(cfg.profDir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
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
		// Stalled receivers between two phases without, so that the
		// comparison is with what came just before and just after.
		var before, after *phase
		for _, label := range []string{"before", "1% stalled", "after"} {
			pf := ""
			if i == len(cfg.sizes)-1 && label == "before" {
				pf = profFile
			}
			ph, err := r.measure(ctx, label == "1% stalled", pf)
			if err != nil {
				return nil, err
			}
			ph.label = label
			st.phases = append(st.phases, ph)
			fmt.Fprintf(log, "fanout: %d receivers, %s: p99 %s, %d closed by the server, %d of %d stalled closed (1008: %d)\n",
				ph.receivers, label, ms(ph.pct(0.99)), ph.lost, ph.kicked, ph.stalled, ph.kicked1008)
			switch label {
			case "before":
				before = ph
			case "after":
				after = ph
			default:
				st.stall = ph
			}
			// Without a publisher there is no room left to measure in;
			// where the room broke down without stalled receivers,
			// they would tell nothing more.
			if ph.pubClosed || ph.broken() && label == "before" {
				break
			}
		}
		st.normal = merge(before, after)
		if st.phases[len(st.phases)-1].pubClosed {
			break
		}
	}

	var profile string
	if !scalePass(steps) || slices.ContainsFunc(steps, func(st *step) bool { return st.stall != nil && !stallPass(st) }) {
		profile = prof.Top(profFile, 25)
	}
	return section(cfg, steps, profile), nil
}

// newRoom starts the room's servers, and its publisher on the first of
// them: with servers > 1, they share the room through a nats-server of
// their own, each in a child process; with one, it is the in-process
// room. The receivers will be at most largest.
func newRoom(ctx context.Context, cfg config, servers, largest int, log io.Writer) (_ *room, err error) {
	r := &room{
		cfg:    cfg,
		normal: benchsrv.NewDialer(firstAddr, benchsrv.AddrsFor(largest), 0),
		slow:   benchsrv.NewDialer(stalledAddr, 1, stalledRcvBuf),
		log:    log,
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	var natsURL string
	if servers > 1 {
		if r.nats, err = benchsrv.Start(ctx, benchsrv.Config{Mode: benchsrv.NATS}); err != nil {
			return nil, err
		}
		natsURL = r.nats.URL
	}
	for range servers {
		c, err := benchsrv.Start(ctx, benchsrv.Config{
			Mode:      benchsrv.Ours,
			SlowAddr:  fmt.Sprintf("127.0.0.%d", stalledAddr),
			RateLimit: cfg.rateLimit,
			NATS:      natsURL,
		})
		if err != nil {
			return nil, err
		}
		r.servers = append(r.servers, c)
	}
	pc, err := benchsrv.NewDialer(publisherAddr, 1, 0).Dial(ctx, r.servers[0].WSURL("/ws/chat?nick=pub"))
	if err != nil {
		return nil, err
	}
	r.pub = &publisher{conn: pc, leaves: make(chan string, 1<<16), done: make(chan struct{})}
	go r.pub.read()
	return r, nil
}
