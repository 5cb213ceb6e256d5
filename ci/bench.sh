#!/bin/sh
# make bench: the benchmarks of issue 4, then one table of ratios with the
# absolute figures beside them, printed and written to BENCHMARKS.md with
# the machine it ran on. Measurements, never assertions: a missed target
# is a line of the table; only a benchmark that could not run fails this.
# It needs Chromium, installed as for make test, and takes about eight
# minutes on two cores. Results and profiles stay in $BENCH_OUT
# (.cache/bench).
set -eu
cd -- "$(dirname "$0")/.."

sh ci/setup.sh
out=${BENCH_OUT:-.cache/bench}
rm -rf "$out"
mkdir -p "$out/bin"
started=$(date +%s)
cat /proc/loadavg >"$out/loadavg-start" 2>/dev/null || true

# The tools and programs, built before anything is timed.
GOBIN=$(pwd)/.cache/bin go install golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
go build -o "$out/bin/" ./bench/cmd/...
(cd cmd/chromerun && go build -o "../../$out/bin/chromerun" .)

status=0
step() {
	echo "== $*" >&2
	"$@" || { echo "== failed: $*" >&2; status=1; }
}

# 1. Native overhead: wsapi against raw coder/websocket (issue 4, part 1).
# wsapi's BenchmarkEcho, from one test binary run once per count, so that
# the counts interleave; within a run the clients of each case run next to
# each other, in an order that rotates from run to run. About 10 s a run
# (four clients with one message in flight, issue 15);
# 20 runs, because single runs on a small shared machine scatter by ±15%.
# nativebench makes the ratios of it; benchstat's comparison goes into
# BENCHMARKS.md as it is.
runs=${BENCH_NATIVE_RUNS:-20}
benchtime=${BENCH_NATIVE_TIME:-0.3s}
echo "== 1. native: BenchmarkEcho of ./wsapi, $runs interleaved runs of -benchtime $benchtime" >&2
native_started=$(date +%s)
: >"$out/native.txt"
if go test -c -o "$out/bin/wsapi.test" ./wsapi; then
	wsapitest=$(cd "$out/bin" && pwd)/wsapi.test
	i=0
	while [ $i -lt "$runs" ]; do
		(cd wsapi && "$wsapitest" -test.run '^$' -test.bench '^BenchmarkEcho$' -test.benchtime "$benchtime" -benchrotate $i) >>"$out/native.txt" ||
			{ echo "== failed: native benchmarks, run $i" >&2; status=1; break; }
		i=$((i + 1))
	done
	.cache/bin/benchstat -col /client "$out/native.txt" >"$out/native-benchstat.txt" 2>&1 || true
	step "$out/bin/nativebench" -json "$out/1-native.json" "$out/native.txt"
else
	echo "== failed: go test -c ./wsapi" >&2
	status=1
fi
echo "== 1. native took $(($(date +%s) - native_started)) s" >&2

# 2. Browser overhead: 15 batches a side of at least 500 ms each, as 7 of
# 250 ms gave ratios that moved by 0.15 from one run to the next.
step "$out/bin/browserbench" -chromerun "$out/bin/chromerun" -batches 15 -ms 500 -json "$out/2-browser.json"
step "$out/bin/wasmsize" -json "$out/3-wasm.json"
step "$out/bin/membench" -json "$out/4-memory.json" -profiles "$out/profiles"
step "$out/bin/fanout" -json "$out/5-fanout.json" -profiles "$out/profiles"
# 5b. Fan-out over two servers sharing the room through NATS JetStream
# (issue 12), beside one server with the same clients; nats-server is
# embedded in a child process. About a minute.
step "$out/bin/fanout" -nats -clients 100,1000 -json "$out/5b-fanout-nats.json" -profiles "$out/profiles"
# 6. Reconnect (issue 11): back to OPEN after the server returns, beside
# the backoff's wait, and memory per idle reconnecting socket.
step "$out/bin/reconnectbench" -json "$out/6-reconnect.json"

"$out/bin/benchreport" -dir "$out" -started "$started" -o BENCHMARKS.md
exit $status
