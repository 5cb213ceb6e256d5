#!/bin/sh
# Installs what the tests need and a fresh machine may lack: Chromium for the
# browser runs, Node for the Node runs, and the third-party servers of the
# interop suite: Python websockets and nginx from Debian (as root), and ws
# from npm, pinned in wsapi/testdata/interop/package.json and installed into
# .cache/interop-node, never into the tree.
set -eu
cd -- "$(dirname "$0")/.."

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
[ -x /usr/sbin/nginx ] || need="$need nginx"
/usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || need="$need python3-websockets"

if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "ci/setup.sh: missing:$need; install them (Debian: apt-get install$need) or run as root" >&2
		exit 1
	fi
	echo "ci/setup.sh: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

# The npm packages, unless the cache has these very ones.
dir=.cache/interop-node
pkg=wsapi/testdata/interop/package.json
if ! cmp -s "$pkg" "$dir/package.json" || [ ! -d "$dir/node_modules/ws" ]; then
	mkdir -p "$dir"
	cp "$pkg" "$dir/package.json"
	npm install --no-audit --no-fund --no-package-lock --silent --prefix "$dir"
fi
