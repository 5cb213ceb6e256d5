#!/bin/sh
# govulncheck, for real and offline: every module of the repository (and the
# library once more for GOOS=js GOARCH=wasm) against the Go vulnerability
# database, failing on any vulnerability the code calls.
#
# The database is built here from a pinned version of golang.org/x/vulndb,
# which the Go module proxy serves with its OSV entries (data/osv): its own
# cmd/indexdb writes a v1 database from them, in about 30 s, cached per
# version under ${XDG_CACHE_HOME:-~/.cache}/go-wsapi/vulndb. GOVULNDB (a URL
# or file:// path of a database) overrides that source.
#
# The pin lives in ci/vulndb.version; `make vulndb-update` moves it to the
# newest version the proxy has (then run `make lint` and commit both).
set -eu
cd -- "$(dirname "$0")/.."

GOVULNCHECK_VERSION=v1.10.0
version=$(cat ci/vulndb.version)

db=${GOVULNDB:-}
if [ -z "$db" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/go-wsapi/vulndb/$version
	if [ ! -f "$cache/index/db.json" ]; then
		echo "vulncheck: building the vulnerability database from golang.org/x/vulndb@$version" >&2
		src=$(go mod download -json "golang.org/x/vulndb@$version" |
			sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -d "$src/data/osv" ] || {
			echo "vulncheck: golang.org/x/vulndb@$version has no data/osv" >&2
			exit 1
		}
		rm -rf "$cache.tmp"
		mkdir -p "$(dirname "$cache")"
		go run "golang.org/x/vulndb/cmd/indexdb@$version" -vulns "$src/data/osv" -out "$cache.tmp"
		rm -rf "$cache"
		mv "$cache.tmp" "$cache"
	fi
	db=file://$cache
fi

# Built for this machine once; GOOS only picks what it checks.
GOBIN=$(pwd)/.cache/bin go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
govulncheck=$(pwd)/.cache/bin/govulncheck

status=0
check() { # check DIR [ENV...]: one module, as it builds under ENV
	dir=$1
	shift
	echo "vulncheck: $dir $*" >&2
	(cd "$dir" && env "$@" "$govulncheck" -db "$db" ./...) || status=1
}
# Every go.mod in git, nested ones too (cmd/wsapi-demo/go.mod): each
# module as the workspace (go.work, or examples/go.work) builds it.
for mod in $(git ls-files 'go.mod' '*/go.mod'); do
	check "$(dirname "$mod")"
done
check . GOOS=js GOARCH=wasm
exit $status
