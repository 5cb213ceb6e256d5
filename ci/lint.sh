#!/bin/sh
# gofmt, then go vet and staticcheck on both targets, native and GOOS=js
# GOARCH=wasm, and natively for the e2e and interop modules.
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
# e2e drives a browser from the host: it has no js/wasm build.
(cd e2e && go vet ./... && $staticcheck ./...)
# interop holds the interop suite's gorilla/websocket server: native only.
(cd interop && go vet ./... && $staticcheck ./...)

# govulncheck checks both modules against the Go vulnerability database,
# which it fetches, from GOVULNDB when set (a mirror, or a file:// copy
# for machines with no way out), else from its default. A database that
# cannot be reached is said and skipped, not failed; a run that takes
# over 5 minutes is cut, so lint never hangs.
govulncheck() {
	set -- go run golang.org/x/vuln/cmd/govulncheck@v1.8.0 ${GOVULNDB:+-db "$GOVULNDB"} ./...
	out=$(timeout 300 "$@" 2>&1) && return 0 || status=$?
	case $status in
	124)
		echo "lint: govulncheck skipped in $(pwd): no answer in 5 minutes" >&2
		return 0
		;;
	esac
	case $out in
	*"fetching vulnerabilities"*)
		echo "lint: govulncheck skipped in $(pwd): the vulnerability database cannot be reached (set GOVULNDB to a mirror or a file:// copy):" >&2
		echo "$out" | grep "fetching vulnerabilities" >&2
		return 0
		;;
	esac
	echo "$out" >&2
	return $status
}
govulncheck
(cd e2e && govulncheck)
(cd interop && govulncheck)
echo "lint: ok"
