#!/bin/sh
# gofmt, then go vet and staticcheck on both targets, native and GOOS=js
# GOARCH=wasm, and natively for the e2e, chromerun and interop modules.
set -eu
cd -- "$(dirname "$0")/.."

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed:" $unformatted >&2
	exit 1
fi
# staticcheck is built for this machine once; GOOS only picks what it checks.
GOBIN=$(pwd)/.cache/bin go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck=$(pwd)/.cache/bin/staticcheck
go vet ./... && $staticcheck ./...
GOOS=js GOARCH=wasm go vet ./... && GOOS=js GOARCH=wasm $staticcheck ./...
# e2e and chromerun drive a browser from the host: no js/wasm build.
(cd e2e && go vet ./... && $staticcheck ./...)
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
