#!/bin/sh
# Installs what the tests need and a fresh machine may lack: Chromium for the
# browser runs, and Node for the Node runs. Debian's packages, as root.
set -eu
cd -- "$(dirname "$0")/.."

need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs"
[ -z "$need" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "ci/setup.sh: missing:$need; install them (Debian: apt-get install$need) or run as root" >&2
	exit 1
fi
echo "ci/setup.sh: installing$need" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $need >/dev/null
