//go:build !js

package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-wsapi/wsapi/bench/internal/benchsrv"
	"github.com/go-wsapi/wsapi/bench/internal/prof"
	"github.com/go-wsapi/wsapi/bench/internal/report"
)

// The cluster comparison (-nats): for each room size, the same number of
// receivers in one server's in-process room, and spread over two servers
// that share the room through a nats-server with JetStream (server
// Options.NATS), every process a child of this one. The publisher talks
// to the first server of each. Both rooms are full at once; their phases
// take turns, the order swapped from round to round, so that what the
// shared machine does meanwhile falls on both alike. An idle room costs
// little (no messages), but the cluster's servers refresh their members'
// nick claims in NATS all the while (server/docs/cluster.md).

// pair is one room size of the comparison.
type pair struct {
	size                    int
	single, cluster         *phase // the rounds' phases, merged
	singleJoin, clusterJoin time.Duration
	// idleServers and idleNATS are the CPU seconds the NATS setup's
	// servers and nats-server used while the one server's phases ran,
	// over idleWall seconds: its cost with members and no messages,
	// mostly the refreshes of their nick claims.
	idleServers, idleNATS, idleWall float64
}

func runCluster(ctx context.Context, cfg config, log io.Writer) (*report.Section, error) {
	// No stalled receivers: a phase lasts cfg.duration.
	cfg.stallMax = cfg.duration
	largest := slices.Max(cfg.sizes)
	if err := benchsrv.RaiseFileLimit(2*uint64(largest) + 1024); err != nil {
		return nil, err
	}
	profDir, cleanup, err := prof.Dir(cfg.profDir)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	profFile := filepath.Join(profDir, "fanout-nats-server-cpu.pb.gz")
	var pairs []*pair
	for i, n := range cfg.sizes {
		pf := ""
		if i == len(cfg.sizes)-1 {
			pf = profFile
		}
		p, err := comparePair(ctx, cfg, n, pf, log)
		if err != nil {
			return nil, fmt.Errorf("%d clients: %w", n, err)
		}
		pairs = append(pairs, p)
	}
	return clusterSection(cfg, pairs, prof.Top(profFile, 25)), nil
}

// comparePair measures n receivers in one server's room and over two
// servers through NATS, cfg.rounds phases each, in turns. With profile
// set, the CPU profile of the first cluster server over its first phase
// is written there.
func comparePair(ctx context.Context, cfg config, n int, profile string, log io.Writer) (*pair, error) {
	p := &pair{size: n}
	rooms := make([]*room, 2)
	for i, servers := range []int{1, 2} {
		r, err := newRoom(ctx, cfg, servers, 2*n, log)
		if err != nil {
			return nil, err
		}
		defer r.close()
		r.noStall = true
		rooms[i] = r
	}
	single, cluster := rooms[0], rooms[1]
	for i, join := range []*time.Duration{&p.singleJoin, &p.clusterJoin} {
		start := time.Now()
		if err := rooms[i].grow(ctx, n); err != nil {
			return nil, err
		}
		*join = time.Since(start)
	}
	fmt.Fprintf(log, "fanout: %d receivers joined one server in %v, two through NATS in %v\n",
		n, p.singleJoin.Round(time.Millisecond), p.clusterJoin.Round(time.Millisecond))
	for round := range max(cfg.rounds, 1) {
		order := []*room{single, cluster}
		if round%2 == 1 {
			order = []*room{cluster, single}
		}
		for _, r := range order {
			pf := ""
			if r == cluster && round == 0 {
				pf = profile
			}
			idle0, idleErr := cluster.usage()
			start := time.Now()
			ph, err := r.measure(ctx, false, pf)
			if err != nil {
				return nil, err
			}
			if idle1, err := cluster.usage(); r == single && err == nil && idleErr == nil {
				p.idleWall += time.Since(start).Seconds()
				p.idleServers += idle1.servers - idle0.servers
				p.idleNATS += idle1.nats - idle0.nats
			}
			name, into := "one server", &p.single
			if r == cluster {
				name, into = "two servers through NATS", &p.cluster
			}
			fmt.Fprintf(log, "fanout: %d receivers, %s: p50 %s, p99 %s, %d closed by the server\n",
				n, name, ms(ph.pct(0.5)), ms(ph.pct(0.99)), ph.lost)
			*into = merge(*into, ph)
		}
	}
	return p, nil
}

// perSec is deliveries a second over the phases' talk.
func (p *phase) perSec() float64 {
	if p.elapsed <= 0 {
		return 0
	}
	return float64(len(p.lat)) / p.elapsed.Seconds()
}

// µsPer is CPU seconds per n, in µs; 0 when nothing was.
func µsPer(secs float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return secs / float64(n) * 1e6
}

func clusterSection(cfg config, pairs []*pair, profile string) *report.Section {
	s := &report.Section{Item: 5, Title: fmt.Sprintf("Fan-out over two servers through NATS JetStream, beside one server: the same clients, one message every %v", cfg.interval)}
	for _, p := range pairs {
		c, o := p.cluster, p.single
		r99 := ratio(c.pct(0.99), o.pct(0.99))
		rate := c.perSec() / max(o.perSec(), 1e-9)
		cu, ou := µsPer(c.used.servers+c.used.nats, len(c.lat)), µsPer(o.used.servers, len(o.lat))
		s.Rows = append(s.Rows,
			report.Row{
				Name: fmt.Sprintf("fan-out via NATS: p99 at %d clients, 2 servers vs 1", p.size),
				Ours: ms(c.pct(0.99)), Base: ms(o.pct(0.99)), Ratio: report.Ratio(r99),
				Values: map[string]float64{"p99_nats_ms": finite(msf(c.pct(0.99))), "p99_one_ms": finite(msf(o.pct(0.99))), "ratio": finite(r99),
					"p50_nats_ms": finite(msf(c.pct(0.5))), "p50_one_ms": finite(msf(o.pct(0.5)))},
			},
			report.Row{
				Name: fmt.Sprintf("fan-out via NATS: deliveries/s at %d clients, 2 servers vs 1", p.size),
				Ours: fmt.Sprintf("%.0f /s", c.perSec()), Base: fmt.Sprintf("%.0f /s", o.perSec()), Ratio: report.Ratio(rate),
				Values: map[string]float64{"nats_per_s": c.perSec(), "one_per_s": o.perSec(), "ratio": rate},
			},
			report.Row{
				Name: fmt.Sprintf("fan-out via NATS: CPU µs/delivery at %d clients, 2 servers + nats-server vs 1", p.size),
				Ours: fmt.Sprintf("%.1f µs", cu), Base: fmt.Sprintf("%.1f µs", ou), Ratio: report.Ratio(cu / max(ou, 1e-9)),
				Values: map[string]float64{"nats_us": cu, "one_us": ou, "ratio": cu / max(ou, 1e-9),
					"nats_server_us_per_message": µsPer(c.used.nats, c.sent)},
			})
	}

	var d strings.Builder
	fmt.Fprintf(&d, "`fanout -nats`: for each room size, the same receivers in one server's in-process room (\"one\"), and spread evenly over two\n")
	fmt.Fprintf(&d, "servers that share the room through a nats-server with JetStream (\"NATS\"; server/docs/cluster.md), each server and\n")
	fmt.Fprintf(&d, "nats-server (embedded, JetStream on disk in a temporary directory) in a child process, the clients in this one. A publisher on\n")
	fmt.Fprintf(&d, "the first server says one timestamped message every %v; latency runs from its write to a receiver's read. Both rooms are\n", cfg.interval)
	fmt.Fprintf(&d, "full at once and take turns, %d phases of %v each, the order swapped each round; a row merges a setup's phases.\n", max(cfg.rounds, 1), cfg.duration)
	fmt.Fprintf(&d, "Deliveries/s follow the publisher's fixed rate: equal figures mean both kept up, not that both are at their ceiling.\n")
	fmt.Fprintf(&d, "Through NATS a say is a JetStream publish (stored, acknowledged), read back by each server's ordered consumer and only then\n")
	fmt.Fprintf(&d, "fanned out to that server's members: the NATS cost is per message and per server, the WebSocket writes per delivery.\n")
	fmt.Fprintf(&d, "CPU is in cores on average over the phases, of the %d the machine has; µs/delivery is CPU time per message delivered\n", runtime.NumCPU())
	fmt.Fprintf(&d, "(servers, nats-server, and together); nats-server µs/message is its CPU time per message said.\n\n")
	fmt.Fprintf(&d, "| receivers | setup | messages | delivered | p50 | p99 | max | deliveries/s | servers CPU | nats-server CPU | client CPU | machine CPU | servers µs/delivery | nats-server µs/delivery | total µs/delivery | nats-server µs/message | writes/delivery | join time |\n")
	fmt.Fprintf(&d, "|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, p := range pairs {
		for _, row := range []struct {
			name string
			ph   *phase
			join time.Duration
		}{{"one", p.single, p.singleJoin}, {"NATS", p.cluster, p.clusterJoin}} {
			ph := row.ph
			natsCPU, natsMsg := "", ""
			if row.name == "NATS" {
				natsCPU = fmt.Sprintf("%.2f", ph.cores(ph.used.nats))
				natsMsg = strconv.FormatFloat(µsPer(ph.used.nats, ph.sent), 'f', 1, 64)
			}
			fmt.Fprintf(&d, "| %d | %s | %d | %d of %d | %s | %s | %s | %.0f | %.2f | %s | %.2f | %.2f | %.1f | %.1f | %.1f | %s | %s | %s |\n",
				ph.receivers, row.name, ph.sent, len(ph.lat), ph.expected,
				ms(ph.pct(0.5)), ms(ph.pct(0.99)), ms(ph.slowest()), ph.perSec(),
				ph.cores(ph.used.servers), natsCPU, ph.cores(ph.used.self), ph.cores(ph.used.machine),
				µsPer(ph.used.servers, len(ph.lat)), µsPer(ph.used.nats, len(ph.lat)), µsPer(ph.used.servers+ph.used.nats, len(ph.lat)),
				natsMsg, writesPer(ph), row.join.Round(10*time.Millisecond))
		}
	}
	fmt.Fprintf(&d, "\n%s", boundText(pairs[len(pairs)-1]))
	if profile != "" && len(pairs) > 0 {
		fmt.Fprintf(&d, "\nThe first NATS server's CPU profile over its first phase at %d receivers:\n\n```\n%s\n```\n", pairs[len(pairs)-1].size, profile)
	}
	s.Detail = d.String()
	return s
}

// boundText says what bounded the comparison at p; the table above has
// the figures.
func boundText(p *pair) string {
	var b strings.Builder
	c, cores := p.cluster, runtime.NumCPU()
	if busy := c.cores(c.used.machine); busy >= 0.9*float64(cores) {
		fmt.Fprintf(&b, "What bounds it at %d receivers: the cores, %.2f of %d busy over the NATS phases; a message waits for a core at\n", p.size, busy, cores)
		fmt.Fprintf(&b, "each hop, and through NATS it makes more hops (server, nats-server, each server again).\n")
	} else {
		fmt.Fprintf(&b, "What bounds it at %d receivers: not the cores, %.2f of %d busy over the NATS phases, but the hops a message makes:\n", p.size, busy, cores)
		fmt.Fprintf(&b, "through NATS one JetStream publish, stored and acknowledged, before each server's consumer reads it back and fans it out.\n")
	}
	fmt.Fprintf(&b, "NATS costs per message, the WebSocket writes per delivery, so the larger the room, the smaller NATS's share.\n")
	if p.idleWall > 0 {
		idleNATS := p.idleNATS / p.idleWall
		fmt.Fprintf(&b, "With no messages, while one server's phases ran, the NATS setup still used %.3f cores (its servers) and %.3f (nats-server):\n",
			p.idleServers/p.idleWall, idleNATS)
		fmt.Fprintf(&b, "the servers refresh each member's nick claim in NATS every 5 s, %d KV updates a second here, a cost per member and second\n", p.size/5)
		fmt.Fprintf(&b, "that the figures per delivery include. Less that idle use, nats-server spent %.0f µs per message said.\n",
			µsPer(max(c.cores(c.used.nats)-idleNATS, 0)*c.wall, c.sent))
	}
	return b.String()
}

// writesPer is the servers' write calls per delivery of ph, or "?".
func writesPer(ph *phase) string {
	if ph.used.writes < 0 || len(ph.lat) == 0 {
		return "?"
	}
	return fmt.Sprintf("%.2f", float64(ph.used.writes)/float64(len(ph.lat)))
}
