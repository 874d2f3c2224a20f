# shouhou — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
BIN     := bin/shouhou

.PHONY: all deps build run test lint vet unit fuzz bench clean deb

all: build

deps:
	@build/deps.sh

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) .

# run starts the appliance with the embedded default config and the demo data set.
run: build
	$(BIN) serve -demo -data ./var/data -listen :8080

# test runs every test: formatting and vet, unit, integration (pcscd + vpcd,
# Badger crash tests) and browser tests, with the race detector, plus short fuzz runs.
test: deps lint
	$(GO) test -race -count=1 -timeout 20m ./...
	@build/fuzz.sh 10s

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null; git ls-files -o --exclude-standard '*.go' 2>/dev/null)); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# fuzz runs every fuzz target for longer than CI does.
fuzz:
	build/fuzz.sh 5m

# bench runs the benchmarks whose figures are recorded in docs/benchmarks.md;
# the chain's (drivers/hqstore, each starting its own nats-server and
# PostgreSQL) at the sizes recorded there. The generated 10k/100k/1M stores
# are kept in SHOUHOU_BENCH_CACHE (default ~/.cache/shouhou-bench; package
# appliance/store/benchcache): the first run builds them (1M: about half an
# hour on two cores), later runs copy them in seconds.
bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -timeout 180m $$($(GO) list ./... | grep -v /drivers/hqstore$$)
	$(GO) test -run '^$$' -bench 'ChainForward|BlacklistPropagation' -benchtime 500x -timeout 30m ./drivers/hqstore
	$(GO) test -run '^$$' -bench Ingest50Branches -benchtime 25000x -timeout 30m ./drivers/hqstore
	SHOUHOU_CHAIN_FAULTS=20 $(GO) test -count=1 -run TestChainFaults -timeout 30m .

clean:
	rm -rf bin

# deb builds dist/shouhou_VERSION_ARCH.deb (ARCH=arm64 cross-builds; see
# docs/operations.md). build/deb_test.go builds and checks it in `make test`.
deb: deps
	VERSION='$(VERSION)' build/deb.sh dist
