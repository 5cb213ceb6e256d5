#!/bin/sh
# gofmt, then go vet and staticcheck: the library (the root module) on both
# targets, native and GOOS=js GOARCH=wasm; natively the modules of the
# companion server, its command, the benchmarks, e2e, chromerun and
# interop; the examples on both. In the workspace (go.work) ./... stops at
# a nested module, so each module is checked from its own directory.
set -eu
cd -- "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed:" $unformatted >&2
	exit 1
fi
# The library's module stays small: nothing of the server's, the tests' or
# the benchmarks' (NATS, chromedp, gorilla/websocket) enters its build list.
if GOWORK=off go list -m all | grep -E 'nats-io|chromedp|gorilla'; then
	echo "the root module requires the above: it belongs in a module of its own" >&2
	exit 1
fi
# staticcheck is built for this machine once; GOOS only picks what it checks.
GOBIN=$(pwd)/.cache/bin go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck=$(pwd)/.cache/bin/staticcheck
go vet ./... && $staticcheck ./...
GOOS=js GOARCH=wasm go vet ./... && GOOS=js GOARCH=wasm $staticcheck ./...
# The server, its command and the benchmarks run on the host, as do e2e and
# chromerun, which drive a browser from it: no js/wasm build.
for mod in server cmd/wsapi-demo bench e2e; do
	(cd "$mod" && go vet ./... && $staticcheck ./...)
done
(cd cmd/chromerun && go vet ./... && $staticcheck ./...)
# interop holds the interop suite's gorilla/websocket server: native only.
(cd interop && go vet ./... && $staticcheck ./...)
for ex in examples/*/; do
	(cd "$ex" && go vet ./... && $staticcheck ./... &&
		GOOS=js GOARCH=wasm go vet ./... && GOOS=js GOARCH=wasm $staticcheck ./...)
done

# govulncheck, on every module against a database built offline from a
# pinned golang.org/x/vulndb: a vulnerability the code calls fails lint.
sh ci/vulncheck.sh
echo "lint: ok"
