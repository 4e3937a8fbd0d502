#!/usr/bin/env bash
# Every test: formatting, clippy, unit, domain scenarios on SQLite and PostgreSQL,
# API tests, and browser tests in Chromium against the release build.
# Called by `make test` after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$(date +%s)

say "PostgreSQL"
HACKFEST_TEST_POSTGRES_URL=$(scripts/postgres.sh)
export HACKFEST_TEST_POSTGRES_URL

say "RabbitMQ"
HACKFEST_TEST_AMQP_ADDR=$(scripts/rabbitmq.sh)
export HACKFEST_TEST_AMQP_ADDR

say "Formatting"
cargo fmt --all -- --check

say "Clippy (server, browser and test code)"
cargo clippy -p domain --features server --all-targets -- -D warnings
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
cargo clippy -p hackfest --all-targets -- -D warnings

say "OpenID provider harness self-tests (end2end/oidc)"
node --test end2end/oidc/selftest.mjs end2end/oidc/fixture-selftest.mjs scripts/contrast.test.mjs

say "Unit and scenario tests (SQLite and PostgreSQL)"
cargo test -p domain --features server
cargo test -p app --features ssr

say "API and command-line tests"
cargo test -p hackfest

say "Release build (cargo leptos)"
cargo leptos build --release
scripts/precompress.sh target/site/pkg

say "Browser tests (Chromium)"
scripts/e2e.sh

say "All tests passed in $(( ($(date +%s) - started) / 60 )) min $(( ($(date +%s) - started) % 60 )) s"
