# MemoryGraph — build, test and run. Every target installs what it needs (see `deps`).
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
# The sanitizer builds and the benchmark leave out the agent service (see Package.swift): its
# dependencies are large, and its tests run in the plain build.
WITHOUT_SERVICE := MEMORY_GRAPH_WITHOUT_SERVICE=1

.PHONY: deps deps-postgres deps-bench build release test test-agents serve-load test-fast asan tsan lint format run bench bench-postgres bench-search bench-smoke crash fuzz \
	fuzz-smoke fuzz-seeds

## deps: install LMDB's headers and tools (liblmdb-dev, lmdb-utils) when missing
deps:
	@if ! pkg-config --exists lmdb 2>/dev/null || ! command -v mdb_stat >/dev/null 2>&1; then \
		echo "installing liblmdb-dev, lmdb-utils and pkg-config"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq liblmdb-dev lmdb-utils pkg-config >/dev/null; \
	fi

## deps-postgres: PostgreSQL's server and pg_virtualenv (postgresql, postgresql-common) when missing
deps-postgres:
	@if ! command -v pg_virtualenv >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then \
		echo "installing postgresql (a throwaway server for the PostgreSQL backend's tests)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-common >/dev/null; \
	fi

## deps-bench: what deps installs, and SQLite's headers for the benchmark's SQLite twin (GRDB)
deps-bench: deps
	@if ! pkg-config --exists sqlite3 2>/dev/null; then \
		echo "installing libsqlite3-dev (for the SQLite comparison in Benchmarks/)"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsqlite3-dev >/dev/null; \
	fi

## build: debug build of every target
build: deps
	$(SWIFT) build --build-tests

## release: optimized build, warnings are errors
release: deps
	$(SWIFT) build -c release -Xswiftc -warnings-as-errors

## test: build and run the whole test suite: Swift's, then the agent interfaces' (test-agents), with
## a throwaway PostgreSQL server on 127.0.0.1 (pg_virtualenv -t: a new cluster in a temporary directory, on a free port,
## dropped afterwards) for the PostgreSQL backend, which may not be skipped
# pg_virtualenv sets PGHOST, PGPORT, PGUSER and PGPASSWORD for the command it runs; fsync is off
# because the cluster is thrown away (the benchmark's server keeps it on).
PG_VIRTUALENV := MEMORY_GRAPH_REQUIRE_POSTGRES=1 pg_virtualenv -t -o max_connections=1000 -o fsync=off
test: build deps-postgres
	$(PG_VIRTUALENV) sh -c '$(SWIFT) test --skip-build && $(MAKE) test-agents'

## test-agents: memory-graph's MCP and REST interfaces through clients written elsewhere: the
## reference MCP client (Python `mcp`), an HTTP client; in a virtual environment (Tests/agents)
VENV := .build-venv
$(VENV)/installed: Tests/agents/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Tests/agents/requirements.txt
	touch $@
test-agents: build $(VENV)/installed
	MEMORY_GRAPH="$$($(SWIFT) build --show-bin-path)/memory-graph" PYTHONDONTWRITEBYTECODE=1 \
		$(VENV)/bin/python -m pytest -q -p no:cacheprovider Tests/agents

## test-fast: the test suite without the tests and suites tagged .slow (SIGKILL runs, several
## processes, long randomized runs)
# Swift Testing's `--skip` takes regular expressions over test IDs (`Target.Suite/function(…)`),
# not tags: Tests/slow-tests.awk reads the IDs of what carries `.tags(.slow)` from the sources.
# (`\b` cannot stand for the `.` after the target: Swift's regexes use Unicode word boundaries.)
SLOW_TESTS = $(shell awk -f Tests/slow-tests.awk $$(find Tests -name '*.swift' | sort))
test-fast: build
	@test -n "$(SLOW_TESTS)" || { echo "test-fast: nothing is tagged .slow"; exit 1; }
	$(SWIFT) test --skip-build --skip '[./]($(SLOW_TESTS))'

## asan: the test suite under AddressSanitizer (separate build directory), without the tests
## tagged .slow: the SIGKILL runs and the tests of several processes, which `make test` runs
# lld links the ASan runtime without the warnings gold prints about its local symbols. The slow
# tests spend their time in processes started, killed and waited for, and in long randomized
# runs of code the rest of the suite exercises too: under ASan they cost the most and find least.
ASAN_FLAGS := --sanitize=address --scratch-path .build-asan -Xswiftc -use-ld=lld
asan: deps
	@test -n "$(SLOW_TESTS)" || { echo "asan: nothing is tagged .slow"; exit 1; }
	$(WITHOUT_SERVICE) $(SWIFT) build --build-tests $(ASAN_FLAGS)
	$(WITHOUT_SERVICE) LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt \
		$(SWIFT) test --skip-build $(ASAN_FLAGS) --skip '[./]($(SLOW_TESTS))'

## tsan: the concurrency tests under ThreadSanitizer (separate build directory)
TSAN_FILTER ?= ConcurrencyTests|StoreConcurrencyTests|GroupCommitTests|LazyIndexingTests|NodeCacheTests|NodeIDTests|MapGrowthTests
tsan: deps
	$(WITHOUT_SERVICE) $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter "$(TSAN_FILTER)"

## lint: check formatting (swift-format from the toolchain) of every Swift source
lint:
	$(SWIFT) format lint --strict -r Sources Tests Tools Fuzz Benchmarks

## format: rewrite sources in the house format
format:
	$(SWIFT) format -i -r Sources Tests Tools Fuzz Benchmarks

## run: the load test for about 15 seconds on a temporary store with 20 000 pre-loaded nodes
run: deps
	$(SWIFT) run -c release memory-graph-stress load-test --duration 15 --nodes 20000

## bench: the reference workload, N = 100 000, side by side with SQLite (the nested package Benchmarks/)
bench: deps-bench
	$(WITHOUT_SERVICE) $(SWIFT) run -c release --package-path Benchmarks memory-graph-bench run --nodes 100000 --compare sqlite

## bench-postgres: make bench, and S1–S5 and S8 on the PostgreSQL backend beside the same SQL by hand
## (prepared), on a throwaway server (pg_virtualenv -t; fsync on, as a real server has it)
bench-postgres: deps-bench deps-postgres
	MEMORY_GRAPH_REQUIRE_POSTGRES=1 pg_virtualenv -t -o max_connections=200 sh -c '$(SWIFT) run -c release \
		--package-path Benchmarks --scratch-path Benchmarks/.build-postgres memory-graph-bench run --nodes 100000 \
		--compare sqlite,postgres'

## bench-search: S9 (full-text search, beside SQLite FTS5) and S10 (exact vector search, beside NumPy's brute
## force; S10a/S10af, the same on a store with the HNSW index, beside hnswlib at equal recall) at N = 100 000,
## after S1; NumPy and hnswlib go into the virtual environment of test-agents (.build-venv)
# hnswlib builds from source: it needs a C++ compiler (g++).
$(VENV)/vectors-installed: Benchmarks/vectors/requirements.txt
	test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r Benchmarks/vectors/requirements.txt
	touch $@
bench-search: deps-bench $(VENV)/vectors-installed
	$(WITHOUT_SERVICE) $(SWIFT) run -c release --package-path Benchmarks memory-graph-bench run --nodes 100000 \
		--scenarios S1,S9,S10 --compare sqlite --python $(VENV)/bin/python

## bench-smoke: the benchmark on 2 000 nodes, once, answers checked against SQLite (CI): it must
## exit 0 and print a row of the results table for every scenario; warnings are errors
# Warnings are errors here, so that CI keeps the nested package warning-free (a make bench
# after it builds again, without the flag).
BENCH_BUILD := -c release --package-path Benchmarks -Xswiftc -warnings-as-errors
# S9 and S10 take seconds at this size (S10a's store builds its HNSW index); without NumPy, S10's twin is
# skipped and its answers are checked against a brute force in the tool; without hnswlib, S10a's twin is skipped.
BENCH_SMOKE_ARGS := run --nodes 2000 --reads 2000 --queries 200 --repetitions 1 --write-rounds 2 --revisions 5 --feed-changes 50 --compare sqlite \
	--scenarios S1,S2c,S2h,S3,S4,S5,S7,S8,S9,S10,S11
BENCH_SMOKE_ROWS := '| scenario | engine | ops/s |' '| S1 ' '| S2c ' '| S2h ' '| S3 ' '| S4 ' '| S5 ' '| S7 ' '| S8 ' 'S8 conflicts: ' '| S9 ' \
	'| S9f ' 'S9 answers: ' '| S10 ' '| S10f ' 'S10 answers: ' '| S10a ' '| S10af ' 'S10a answers: ' '| S10ab ' 'S10ab answers: ' '| S11 ' '| S11p ' \
	'on disk: '
bench-smoke: deps-bench
	$(WITHOUT_SERVICE) $(SWIFT) build $(BENCH_BUILD)
	@output=$$(mktemp); \
	bin=$$($(WITHOUT_SERVICE) $(SWIFT) build $(BENCH_BUILD) --show-bin-path); \
	echo "$$bin/memory-graph-bench $(BENCH_SMOKE_ARGS)"; \
	"$$bin/memory-graph-bench" $(BENCH_SMOKE_ARGS) >"$$output"; status=$$?; \
	cat "$$output"; \
	if [ $$status -ne 0 ]; then rm -f "$$output"; echo "bench-smoke: memory-graph-bench exited with $$status"; exit 1; fi; \
	for row in $(BENCH_SMOKE_ROWS); do \
		grep -qF -- "$$row" "$$output" || { rm -f "$$output"; echo "bench-smoke: no \"$$row\" in the output"; exit 1; }; \
	done; \
	rm -f "$$output"; echo "bench-smoke: passed"

## serve-load: memory-graph serve under wrk: GET and POST a node, POST a query, an MCP tools/call,
## and /health (the framework's floor) at 64 keep-alive connections, LOAD_SECONDS each
LOAD_SECONDS ?= 10
serve-load: deps
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk"; $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(SWIFT) build -c release --product memory-graph
	Benchmarks/serve-load/serve-load.sh "$$($(SWIFT) build -c release --show-bin-path)/memory-graph" $(LOAD_SECONDS) 64 10000

## crash: 500 SIGKILLs of a process writing to one store, every acknowledged write checked after each
crash: deps
	$(SWIFT) run -c release memory-graph-stress crash-test --iterations 500


## fuzz: build the libFuzzer targets in Fuzz/ (ASan, in .build-fuzz) and run each for FUZZ_SECONDS
## on a copy of its corpus; crash inputs go to .build-fuzz/artifacts
FUZZ_SECONDS ?= 300
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/fuzz.sh run $(FUZZ_SECONDS)

## fuzz-smoke: every fuzz target for 30 seconds (CI); fails when one finds a crash
fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=30

## fuzz-seeds: regenerate the seed corpora in Fuzz/Corpus from the library's own encoders
fuzz-seeds: deps
	SWIFT=$(SWIFT) Fuzz/fuzz.sh seeds
