#!/usr/bin/env bash
# Starts the release build on a free port with a fresh SQLite database (and one with a
# real OpenID provider, and two instances sharing one PostgreSQL database), runs the
# Playwright tests against them in Debian's Chromium, and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/hackfest
[ -x "$BIN" ] || { echo "no release build at $BIN: run 'cargo leptos build --release'" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "Chromium is missing: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The browser tests sign in through the development sign-in (an explicit opt-in).
HACKFEST_DEV_SIGN_IN=true HACKFEST_ADDR=127.0.0.1:$port HACKFEST_DATABASE_URL="sqlite:$work/e2e.db" \
  LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve >"$work/server.log" 2>&1 &
server=$!
server2="" provider="" pg_a="" pg_b="" pg_db="" server_demo=""
cleanup() {
  # Each child by its PID: a bare `wait` would also wait for the provider's process substitution.
  for pid in "$server" $server2 $provider $pg_a $pg_b $server_demo; do kill "$pid" 2>/dev/null || true; done
  for pid in "$server" $server2 $pg_a $pg_b $server_demo; do wait "$pid" 2>/dev/null || true; done
  exec 3<&- 2>/dev/null || true
  [ -z "$pg_db" ] || psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }
  sleep 0.2
done

# A second instance signs in through a real OpenID provider (oidc-provider, end2end/oidc).
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
app2="http://127.0.0.1:$port2"
exec 3< <(OIDC_REDIRECT_URIS="$app2/auth/callback" OIDC_POST_LOGOUT_REDIRECT_URIS="$app2/" \
  node end2end/oidc/provider.mjs --port 0 2>"$work/provider.log")
provider=$!
read -r -t 20 line <&3 || { cat "$work/provider.log"; echo "the OpenID provider did not start" >&2; exit 1; }
issuer=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["issuer"])' "$line")
HACKFEST_ADDR=127.0.0.1:$port2 HACKFEST_PUBLIC_URL="$app2" HACKFEST_DATABASE_URL="sqlite:$work/e2e-oidc.db" \
  HACKFEST_OIDC_ISSUER="$issuer" HACKFEST_OIDC_CLIENT_ID=hackfest HACKFEST_OIDC_CLIENT_SECRET=hackfest-secret \
  HACKFEST_OIDC_SCOPES=https://id.fedoraproject.org/scope/groups HACKFEST_ORGANIZER_GROUPS=hackfest-organizers \
  LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve >"$work/server2.log" 2>&1 &
server2=$!
for _ in $(seq 1 50); do
  curl -fsS "$app2/readyz" >/dev/null 2>&1 && break
  kill -0 "$server2" 2>/dev/null || { cat "$work/server2.log"; echo "the OIDC server did not start" >&2; exit 1; }
  sleep 0.2
done

# Two more instances on one PostgreSQL database: a change through A reaches a browser on B.
pg_admin=${HACKFEST_TEST_POSTGRES_URL:-$(scripts/postgres.sh)}
pg_db="hackfest_e2e_$$"
psql "$pg_admin" -qc "CREATE DATABASE $pg_db" >/dev/null
pg_url="${pg_admin%/*}/$pg_db"
start_pg_instance() { # name → prints "pid port"
  local p
  p=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  HACKFEST_DEV_SIGN_IN=true HACKFEST_ADDR=127.0.0.1:$p HACKFEST_PUBLIC_URL="http://127.0.0.1:$p" HACKFEST_DATABASE_URL="$pg_url" \
    LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve >"$work/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$p/readyz" >/dev/null 2>&1 && { echo "$pid $p"; return; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  cat "$work/$1.log" >&2; echo "instance $1 on PostgreSQL did not start" >&2; return 1
}
read -r pg_a port_a < <(start_pg_instance pg-a)
read -r pg_b port_b < <(start_pg_instance pg-b)
[ -n "$pg_a" ] && [ -n "$pg_b" ] || exit 1

# One more with the demo hackfest, for the sweep of every page (layout, accessibility).
port_demo=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HACKFEST_DEV_SIGN_IN=true HACKFEST_ADDR=127.0.0.1:$port_demo HACKFEST_DATABASE_URL="sqlite:$work/e2e-demo.db" \
  LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve --demo >"$work/demo.log" 2>&1 &
server_demo=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port_demo/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_demo" 2>/dev/null || { cat "$work/demo.log"; echo "the demo server did not start" >&2; exit 1; }
  sleep 0.2
done

status=0
(cd end2end && HACKFEST_BASE_URL="http://127.0.0.1:$port" HACKFEST_OIDC_BASE_URL="$app2" \
  HACKFEST_DEMO_URL="http://127.0.0.1:$port_demo" \
  HACKFEST_PG_A_URL="http://127.0.0.1:$port_a" HACKFEST_PG_B_URL="http://127.0.0.1:$port_b" \
  npx playwright test "$@") || status=$?
if [ $status -ne 0 ]; then
  echo "--- server log ---"; tail -n 30 "$work/server.log"
  echo "--- OIDC server log ---"; tail -n 30 "$work/server2.log"
  echo "--- PostgreSQL instance A log ---"; tail -n 20 "$work/pg-a.log"
  echo "--- PostgreSQL instance B log ---"; tail -n 20 "$work/pg-b.log"
fi
exit $status
