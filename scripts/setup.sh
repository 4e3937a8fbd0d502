#!/usr/bin/env bash
# Installs what building and testing Hackfest needs; skips whatever is already present.
# Safe to run again. Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)

WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[" ]/,""); sub("version=",""); print; exit}' Cargo.lock)
CARGO_LEPTOS_VERSION=0.3.11

# Debian packages: a C toolchain, Node.js for the browser tests and wasm-opt, Chromium,
# brotli (bundle size), wrk (benchmarks), PostgreSQL, xmllint (validates schedule.xml).
apt_missing=()
for pair in gcc:gcc make:make pkg-config:pkg-config node:nodejs npm:npm chromium:chromium \
            brotli:brotli wrk:wrk psql:postgresql-client pg_ctlcluster:postgresql-common \
            xmllint:libxml2-utils; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || apt_missing+=("${pair#*:}")
done
# The server, not only the client: a cluster must be installable and startable.
[ -d /usr/lib/postgresql ] && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || apt_missing+=(postgresql)
# The message broker the bus tests publish to.
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || apt_missing+=(rabbitmq-server)
if [ ${#apt_missing[@]} -gt 0 ]; then
  say "Installing Debian packages: ${apt_missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${apt_missing[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "Adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo-leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 20 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version
fi

# Must equal the wasm-bindgen in Cargo.lock, or hydration breaks.
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "Installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 8 minutes, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Playwright (driving Debian's Chromium) and binaryen's wasm-opt come from npm.
# Debian's binaryen is too old and silently breaks hydration: ours comes first in PATH.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "Installing end2end/ npm packages"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# Python validators for what the app emits (feeds…), from PyPI: every module the tests
# import (scripts/requirements-test.txt), not only the first.
if ! python3 -c 'import feedparser, icalendar, openapi_spec_validator, jsonschema, standardwebhooks' >/dev/null 2>&1; then
  say "Installing the Python validators (scripts/requirements-test.txt)"
  python3 -m pip install --quiet --disable-pip-version-check -r scripts/requirements-test.txt \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages -r scripts/requirements-test.txt
fi
