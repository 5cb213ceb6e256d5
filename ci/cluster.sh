#!/bin/sh
# make cluster: a local cluster on this machine, for trying the scale-out
# (server/docs/cluster.md): one nats-server with JetStream, its store in
# $NATS_DIR (.cache/cluster), on 127.0.0.1:$NATS_PORT, and $INSTANCES servers of the
# demo on 127.0.0.1 from $BASE_PORT on, each serving the page and sharing
# the chat room and the ticks through NATS. Ctrl-C (or a kill of make)
# stops them all.
#
# nats-server is Debian's (apt-get install nats-server) when it is on PATH,
# else built from the module proxy at the version the server module pins
# (github.com/nats-io/nats-server/v2 in server/go.mod): a fresh machine
# needs only Go. NATS_URL names a NATS of your own instead, started by you.
set -eu
cd -- "$(dirname "$0")/.."

INSTANCES=${INSTANCES:-3}
BASE_PORT=${BASE_PORT:-8081}
NATS_PORT=${NATS_PORT:-4222}
NATS_DIR=${NATS_DIR:-.cache/cluster}
mkdir -p bin "$NATS_DIR"

pids=""
stop() {
	trap - EXIT INT TERM
	for pid in $pids; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url=${NATS_URL:-}
if [ -z "$url" ]; then
	nats=$(command -v nats-server || true)
	if [ -z "$nats" ]; then
		(cd server && go build -o ../bin/nats-server github.com/nats-io/nats-server/v2)
		nats=bin/nats-server
	fi
	echo "cluster: $nats on 127.0.0.1:$NATS_PORT, JetStream in $NATS_DIR/nats"
	# nats-server writes its ports file once it listens: the servers,
	# which fail at once on a NATS they cannot reach, start after it.
	rm -rf "$NATS_DIR/ports" && mkdir -p "$NATS_DIR/ports"
	"$nats" -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$NATS_DIR/nats" --ports_file_dir "$NATS_DIR/ports" &
	pids="$pids $!"
	tries=0
	while [ -z "$(ls "$NATS_DIR/ports")" ]; do
		tries=$((tries + 1))
		if [ $tries -gt 300 ] || ! kill -0 "$!" 2>/dev/null; then
			echo "cluster: nats-server did not start on 127.0.0.1:$NATS_PORT" >&2
			exit 1
		fi
		sleep 0.1
	done
	url=nats://127.0.0.1:$NATS_PORT
fi

go build -o bin/wsapi-demo ./cmd/wsapi-demo
i=0
while [ $i -lt "$INSTANCES" ]; do
	port=$((BASE_PORT + i))
	bin/wsapi-demo -addr "127.0.0.1:$port" -web web -wasm bin/main.wasm -nats "$url" &
	pids="$pids $!"
	i=$((i + 1))
done
wait
