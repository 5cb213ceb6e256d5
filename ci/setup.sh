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
	# No package may start a service of its own while it installs (nginx
	# would listen on port 80): a policy-rc.d that says no, for this
	# install only, where the machine has none.
	policy=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod +x "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
	[ -z "$policy" ] || rm -f "$policy"
fi

# The npm packages, unless the cache has these very ones.
dir=.cache/interop-node
pkg=wsapi/testdata/interop/package.json
if ! cmp -s "$pkg" "$dir/package.json" || [ ! -d "$dir/node_modules/ws" ]; then
	mkdir -p "$dir"
	cp "$pkg" "$dir/package.json"
	npm install --no-audit --no-fund --no-package-lock --silent --prefix "$dir"
fi
