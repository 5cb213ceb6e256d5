# The targets call scripts in ci/, which CI runs too.
.PHONY: test lint fmt record fuzz vulndb-update

# Every go command of these targets runs on the toolchain that go.mod names
# (its toolchain line, a Go release with the security fixes we need),
# downloaded through the module proxy when this machine has an older one,
# whatever GOTOOLCHAIN the environment sets; `make GOTOOLCHAIN=local ...`
# insists on the local one.
export GOTOOLCHAIN = auto

test:
	sh ci/test.sh

lint:
	sh ci/lint.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

# fuzz runs each fuzz target for FUZZTIME (make fuzz FUZZTIME=5m); make
# test only replays their seeds.
FUZZTIME ?= 30s

fuzz:
	FUZZTIME=$(FUZZTIME) sh ci/fuzz.sh

# vulndb-update pins the newest golang.org/x/vulndb the module proxy has,
# the source of the vulnerability database that make lint builds and
# checks every module against; run make lint after it and commit the pin.
vulndb-update:
	go list -m -f '{{.Version}}' golang.org/x/vulndb@latest >ci/vulndb.version
	@echo "ci/vulndb.version: $$(cat ci/vulndb.version)"

# record re-records the reference traces from Chrome's and Node's own
# WebSocket: the scenarios, the interop servers', and (Chrome's) the ports;
# review the diff before committing it. The ports below 1024 need root.
record:
	sh ci/setup.sh
	go test -count=1 -run '^TestRecord' ./wsapi -record

# build-wasm compiles the demo page's Go program (wasm/) to bin/main.wasm.
# run builds it and serves the demo on 127.0.0.1:8080 (make run ADDR=...),
# alone, or as one server of a cluster when WSAPI_NATS names a NATS server
# (make run ADDR=127.0.0.1:8090 WSAPI_NATS=nats://127.0.0.1:4222).
# cluster starts a local one: nats-server and three servers on 127.0.0.1
# ports 8081-8083 (ci/cluster.sh; make cluster INSTANCES=2).
.PHONY: build-wasm run cluster
ADDR ?= 127.0.0.1:8080

build-wasm:
	GOOS=js GOARCH=wasm go build -trimpath -ldflags=-s -o bin/main.wasm ./wasm

# The server is built, then exec'd in make's own shell: make passes a kill
# (SIGTERM) on to it, and Ctrl-C reaches it with the rest of the job. `go
# run` would leave it running when killed, as go run dies and its child
# does not (cmd/wsapi-demo's TestMakeRun).
run: build-wasm
	go build -o bin/wsapi-demo ./cmd/wsapi-demo
	exec bin/wsapi-demo -addr $(ADDR) -web web -wasm bin/main.wasm

cluster: build-wasm
	exec sh ci/cluster.sh

# bench runs every benchmark and prints one table of ratios against the
# baselines measured in the same run; it writes BENCHMARKS.md.
.PHONY: bench
bench:
	sh ci/bench.sh
