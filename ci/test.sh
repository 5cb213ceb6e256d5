#!/bin/sh
# The whole test suite: the library natively under the race detector, which
# also runs wsapi's suite compiled to WebAssembly in Node and in headless
# Chromium; the companion server's module, its command's and the
# benchmarks' (race detector too); then the end-to-end module, chromerun's,
# and the examples, as their users run them. Prints the scenario summary
# last.
#
# Each module is tested from its own directory: in the workspace (go.work)
# ./... stops at a nested module's go.mod, so every package runs once, in
# the module that owns it. A new module goes into go.work and here.
set -eu
cd -- "$(dirname "$0")/.."

sh ci/setup.sh
go version # the toolchain go.mod names, when make test runs this (see Makefile)
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
status=0
WSAPI_SUMMARY=$summary go test -race -count=1 ./... || status=$?
for mod in server cmd/wsapi-demo bench; do
	(cd "$mod" && go test -race -count=1 ./...) || status=$?
done
(cd e2e && go test -count=1 ./...) || status=$?
(cd cmd/chromerun && go test -count=1 ./...) || status=$?
# The examples are users' modules: their TestRuntimes finds chromerun on
# PATH, installed as `go install .../cmd/chromerun@latest` would build it
# (its own module, no workspace), and gets wsapi from examples/go.work.
GOWORK=off GOBIN="$(pwd)/.cache/bin" sh -c 'cd cmd/chromerun && go install .'
for ex in examples/*/; do
	(cd "$ex" && PATH="$(cd ../.. && pwd)/.cache/bin:$PATH" go test -race -count=1 ./...) || status=$?
done
echo
cat "$summary" 2>/dev/null || true
exit $status
