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
(cd e2e && go build -o "../$out/bin/chromerun" ./cmd/chromerun)

status=0
step() {
	echo "== $*" >&2
	"$@" || { echo "== failed: $*" >&2; status=1; }
}

# 1. Native overhead: wsapi against raw coder/websocket (issue 4, part 1).
# SLOT: the benchmarks are go test -bench in ./wsapi; benchstat's summary
# goes into BENCHMARKS.md as it is. To put their ratios in the table, have
# a program write $out/1-native.json (a report.Section of item 1, see
# bench/internal/report) from $out/native.txt, here.
echo "== 1. go test -run '^\$' -bench . -count 6 ./wsapi/..." >&2
go test -run '^$' -bench . -count 6 ./wsapi/... >"$out/native.txt" || { echo "== failed: native benchmarks" >&2; status=1; }
.cache/bin/benchstat "$out/native.txt" >"$out/native-benchstat.txt" 2>&1 || true

step "$out/bin/browserbench" -chromerun "$out/bin/chromerun" -json "$out/2-browser.json"
step "$out/bin/wasmsize" -json "$out/3-wasm.json"
step "$out/bin/membench" -json "$out/4-memory.json" -profiles "$out/profiles"
step "$out/bin/fanout" -json "$out/5-fanout.json" -profiles "$out/profiles"

"$out/bin/benchreport" -dir "$out" -started "$started" -o BENCHMARKS.md
exit $status
