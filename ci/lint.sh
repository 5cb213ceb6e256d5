#!/bin/sh
# go vet and staticcheck on both targets, native and GOOS=js GOARCH=wasm, and
# gofmt.
set -eu
cd -- "$(dirname "$0")/.."

staticcheck="go run honnef.co/go/tools/cmd/staticcheck@v0.8.2"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed:" $unformatted >&2
	exit 1
fi
for dir in . e2e; do
	(cd "$dir" && go vet ./... && $staticcheck ./...)
	(cd "$dir" && GOOS=js GOARCH=wasm go vet ./... && GOOS=js GOARCH=wasm $staticcheck ./...)
done
