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
server2="" provider=""
cleanup() {
  # Each child by its PID: a bare `wait` would also wait for the provider's process substitution.
  for pid in "$server" $server2 $provider; do kill "$pid" 2>/dev/null || true; done
  for pid in "$server" $server2; do wait "$pid" 2>/dev/null || true; done
  exec 3<&- 2>/dev/null || true
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

status=0
(cd end2end && HACKFEST_BASE_URL="http://127.0.0.1:$port" HACKFEST_OIDC_BASE_URL="$app2" npx playwright test "$@") || status=$?
if [ $status -ne 0 ]; then
  echo "--- server log ---"; tail -n 30 "$work/server.log"
  echo "--- OIDC server log ---"; tail -n 30 "$work/server2.log"
fi
exit $status
