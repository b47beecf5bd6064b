# Two commands do everything on a fresh machine with only Go installed:
#   make run    the whole system in one process (embedded NATS and store)
#   make test   the whole test suite
GO      ?= go
BIN     := bin/medspa
PKGS    := ./...

.PHONY: run build test test-short vet fuzz bench bench-memory bench-profile sim token clean

build:
	$(GO) build -o $(BIN) ./cmd/medspa

run: build
	./$(BIN) serve

test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 20m $(PKGS)

test-short:
	$(GO) test -count=1 -short $(PKGS)

# Run every fuzz target briefly (FUZZTIME=30s make fuzz for longer).
FUZZTIME ?= 10s
fuzz:
	@for t in $$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u); do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$t/*_test.go | cut -d' ' -f2); do \
	    echo "== $$t $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$t || exit 1; \
	  done; \
	done

# Store and engine benchmarks, the spine and speed-to-lead benchmarks, then
# the engine against the bare path and the conventional design, medians of
# RUNS runs, on the embedded store and, with TEST_DATABASE_URL set, on
# Postgres too (docs/PERFORMANCE.md). bench-memory is the storm with 1,000
# and 1,000,000 stored conversations on the same stores.
COMPARE_ARGS ?= --duration 15s --concurrency 64 --clinics 50 --dup 0.02 --bad-sig 0.01
RUNS ?= 3
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./persistence/... ./actors/...
	$(GO) test -run '^$$' -bench . -benchtime 1x ./cmd/medspa/internal/app/
	$(GO) run ./cmd/medspa storm --compare --runs $(RUNS) $(COMPARE_ARGS) --database-url ''
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
	  $(GO) run ./cmd/medspa storm --compare --runs $(RUNS) $(COMPARE_ARGS) --database-url '$(TEST_DATABASE_URL)'; \
	else echo "TEST_DATABASE_URL is not set: no Postgres comparison"; fi

bench-memory:
	$(GO) run ./cmd/medspa storm --prefill 1000,1000000 --duration 15s --concurrency 64 --database-url ''
	@if [ -n "$(TEST_DATABASE_URL)" ]; then \
	  $(GO) run ./cmd/medspa storm --prefill 1000,1000000 --duration 15s --concurrency 64 --database-url '$(TEST_DATABASE_URL)'; \
	else echo "TEST_DATABASE_URL is not set: no Postgres memory test"; fi

# The comparison with CPU, block and mutex profiles, an execution trace and
# the goroutines of every system's closed-loop phase in PROFILE_DIR
# (docs/PERFORMANCE.md, Method and Findings).
PROFILE_DIR ?= profiles
bench-profile:
	$(GO) run ./cmd/medspa storm --compare $(COMPARE_ARGS) --profile $(PROFILE_DIR)

# Talk to a running `make run`: make sim TEXT="How much is Botox?"
TEXT ?= How much is Botox?
sim: build
	./$(BIN) sim "$(TEXT)"

token: build
	./$(BIN) token --role staff --clinic glow-chicago

clean:
	rm -rf bin data

# Load-test a running engine and verify every reply. Start the engine with
# TELNYX_API_BASE_URL=http://127.0.0.1:18090 TELNYX_API_KEY=storm-key so its
# texts reach storm's carrier stub: make storm STORM_ARGS="--rate 200 --duration 60s"
.PHONY: storm
STORM_ARGS ?= --rate 100 --duration 30s
storm:
	$(GO) run ./cmd/medspa storm $(STORM_ARGS)
