#!/bin/sh
# Runs every fuzz target of the module for FUZZTIME each (default 30s),
# one after the other, and prints a line per target: its inputs and time.
# A failure leaves the input that failed in the package's testdata/fuzz,
# where `go test` replays it from then on: fix the bug, keep the seed.
set -eu
cd -- "$(dirname "$0")/.."

fuzztime=${FUZZTIME:-30s}
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
status=0
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		log=$(mktemp)
		# Minimizing a new input is capped too, or one of them could
		# take a minute of the target's time.
		if go test -run '^$' -fuzz "^$target\$" -fuzztime "$fuzztime" \
			-fuzzminimizetime 10s "$pkg" >"$log" 2>&1; then
			result=ok
		else
			result=FAILED
			status=1
			cat "$log"
		fi
		last=$(grep '^fuzz: elapsed' "$log" | tail -1 | sed 's/^fuzz: //')
		echo "$result $target: $last" | tee -a "$summary"
		rm -f "$log"
	done
done
echo
cat "$summary"
exit $status
