#!/usr/bin/env bash
# Starts the release build on a free port with a fresh SQLite database, runs the
# Playwright tests against it in Debian's Chromium, and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/hackfest
[ -x "$BIN" ] || { echo "no release build at $BIN: run 'cargo leptos build --release'" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is missing: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HACKFEST_ADDR=127.0.0.1:$port HACKFEST_DATABASE_URL="sqlite:$work/e2e.db" \
  LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve >"$work/server.log" 2>&1 &
server=$!
cleanup() { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }
  sleep 0.2
done

status=0
(cd end2end && HACKFEST_BASE_URL="http://127.0.0.1:$port" npx playwright test "$@") || status=$?
if [ $status -ne 0 ]; then echo "--- server log ---"; tail -n 50 "$work/server.log"; fi
exit $status
