# Hackfest — the two commands: `make run` and `make test`. Both set up what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Build output lives outside the clone so a fresh clone on the same machine reuses it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/hackfest/target
# Incremental caches only help an edit loop; in `make test` they cost gigabytes.
export CARGO_INCREMENTAL ?= 0
# npm's binaryen (wasm-opt) first: Debian's breaks hydration.
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
# Where the release binary looks for the built site (CSS, JS, WASM).
export LEPTOS_SITE_ROOT ?= $(CURDIR)/target/site

BIN := $(CARGO_TARGET_DIR)/release/hackfest

.PHONY: run test bench fuzz setup build release-build lint unit e2e clean

## Set up, build, migrate and serve the demo on http://127.0.0.1:3000 (with the development sign-in)
run: build
	HACKFEST_LOG_FORMAT=$${HACKFEST_LOG_FORMAT:-text} $(BIN) serve --demo --dev-sign-in

## Set up, start services, run every test (fmt, clippy, unit, SQLite + PostgreSQL, API, browser)
test: setup
	scripts/test.sh

## Load benchmark of a hackfest with 1,000 goals and 200 each of sessions, decisions and action
## items, on SQLite and PostgreSQL: pages under load, changes/s, what open tabs fetch after a
## change, memory, WASM size; ends with a Markdown table (README, "Benchmark")
bench: build
	scripts/bench.sh

## A long fuzzing run (every server function and route) with a fresh seed;
## `make test` runs 1,200 cases with a fixed one. HACKFEST_FUZZ_CASES / _SEED override.
fuzz: setup
	HACKFEST_FUZZ_CASES=$${HACKFEST_FUZZ_CASES:-50000} HACKFEST_FUZZ_SEED=$${HACKFEST_FUZZ_SEED:-$$(date +%s)} \
	  cargo test -p hackfest --test api fuzz -- --nocapture

setup:
	scripts/setup.sh

build: setup
	cargo leptos build --release
	scripts/precompress.sh target/site/pkg

clean:
	rm -rf target/site
