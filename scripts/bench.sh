#!/usr/bin/env bash
# Load benchmark of a hackfest with 1,000 goals and 200 each of sessions, decisions and action
# items, seeded through the server functions, on SQLite and on PostgreSQL (a fresh database
# each, dropped afterwards):
#   - the overview: HTML bytes, one reader p50/p99, req/s and p99 at 32 connections (wrk);
#   - an action item's page (/h/{slug}/actions/{id}): bytes, req/s and p99 at 32 connections;
#   - changes per second: 16 editors, each saving a different action item (wrk + editors.lua);
#   - what 100 open browser tabs fetch after ONE change (Chromium, scripts/bench/tabs.mjs);
#   - server memory with 10,000 idle live-update streams;
# and, once: the WASM bundle raw and brotli, change -> broker and change -> live subscribers.
# Ends with one Markdown table of every figure for both databases, with the targets.
#
# BIN / LEPTOS_SITE_ROOT: the server binary and site to measure (default: this checkout's
# release build). BENCH_DATABASES="sqlite postgres" (either or both); BENCH_POSTGRES_URL: the
# admin URL a fresh database is created from; BENCH_DATABASE_URL=…: one given database instead.
# BENCH_OUT=file.md also writes the table there. BENCH_TABS=0 / BENCH_BUS=0 skip those steps.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
# 10,000 idle live connections need as many descriptors (client and server).
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
BIN=${BIN:-${CARGO_TARGET_DIR:-target}/release/hackfest}
SITE=${LEPTOS_SITE_ROOT:-target/site}
GOALS=${BENCH_GOALS:-1000}
SESSIONS=${BENCH_SESSIONS:-200}
DECISIONS=${BENCH_DECISIONS:-200}
ACTIONS=${BENCH_ACTIONS:-200}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
EDITORS=${BENCH_EDITORS:-16}
TABS=${BENCH_TABS:-100}
IDLE=${BENCH_IDLE_CONNECTIONS:-10000}
PG_ADMIN=${BENCH_POSTGRES_URL:-}
if [ -n "${BENCH_DATABASE_URL:-}" ]; then DATABASES=$(echo "$BENCH_DATABASE_URL" | cut -d: -f1); else DATABASES=${BENCH_DATABASES:-sqlite postgres}; fi
# nginx is the yardstick of the summary page (a static file, and a caching proxy).
if [ "${BENCH_SUMMARY:-1}" != 0 ] && ! command -v nginx >/dev/null 2>&1; then
  echo "==> Installing nginx (the summary page's yardstick)" >&2
  $( [ "$(id -u)" -ne 0 ] && echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >&2
fi
[ -x "$BIN" ] || { echo "no server binary at $BIN: run 'cargo leptos build --release' (make bench does)" >&2; exit 1; }
# The editors take action items the open tabs do not show (the tabs' pages show the first 30).
EDITOR_OFFSET=40
[ "$ACTIONS" -ge $((EDITOR_OFFSET + 2 * EDITORS)) ] || { echo "BENCH_ACTIONS must be at least $((EDITOR_OFFSET + 2 * EDITORS))" >&2; exit 1; }

# The write path alone (no HTTP): domain/examples/writes.rs, built beside the server.
WRITES_BIN=${BENCH_WRITES_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/writes}
if [ "${BENCH_WRITES:-1}" != 0 ] && [ ! -x "$WRITES_BIN" ]; then
  cargo build --release -q -p domain --features server --example writes
fi

work=$(mktemp -d)
server="" pg_db=""
stop_server() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=""
}
drop_pg() {
  if [ -n "$pg_db" ]; then psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  pg_db=""
}
trap 'stop_server; drop_pg; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
# wrk with a machine-readable last line: STATS requests= rps= p50_ms= p99_ms= non2xx= …
# (Shown on stderr by cat, not `tee /dev/stderr`: that reopens a log file and truncates it.)
wrk_stats() { wrk --timeout 10s -s scripts/bench/stats.lua "$@" >"$work/wrk.txt"; cat "$work/wrk.txt" >&2; grep '^STATS' "$work/wrk.txt"; }
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

# One database: start a server on it, seed, measure; the figures go to $work/$name.env.
bench_db() {
  local name=$1 db=$2 out="$work/$1.env"
  local port load; port=$(free_port)
  load=$(cut -d' ' -f1 /proc/loadavg) # what else the machine is doing shows in every figure
  # The idle-connection step opens 10,000 live streams from one address: lift the per-address cap.
  RUST_LOG=warn HACKFEST_DEV_SIGN_IN=true HACKFEST_CHANGES_PER_MINUTE=100000000 HACKFEST_LIVE_PER_CLIENT=1000000 \
    HACKFEST_ADDR=127.0.0.1:$port HACKFEST_DATABASE_URL="$db" LEPTOS_SITE_ROOT="$SITE" \
    "$BIN" serve >"$work/server-$name.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server-$name.log"; echo "the server did not start" >&2; exit 1; }
    sleep 0.2
  done
  local slug base
  slug="bench-$(date +%s)"
  base="http://127.0.0.1:$port"
  say "[$name] Seeding $slug: $GOALS goals, $SESSIONS sessions, $DECISIONS decisions, $ACTIONS action items (server functions)"
  mkdir -p "$work/$name"
  python3 scripts/bench/seed.py "$port" "$slug" "$GOALS" "$SESSIONS" "$DECISIONS" "$ACTIONS" "$work/$name"
  local cookie action
  cookie=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cookie"])' "$work/$name/seed.json")
  # An action item no tab shows and no editor saves: its page stays as seeded.
  action=$(sed -n "$((EDITOR_OFFSET / 2))p" "$work/$name/actions.tsv" | cut -f1)
  local overview="$base/h/$slug" detail="$base/h/$slug/actions/$action"

  local ov_bytes ov_br de_bytes de_br
  ov_bytes=$(curl -fsS "$overview" | wc -c)
  ov_br=$(curl -fsS -H 'Accept-Encoding: br' "$overview" | wc -c)
  de_bytes=$(curl -fsS "$detail" | wc -c)
  de_br=$(curl -fsS -H 'Accept-Encoding: br' "$detail" | wc -c)
  say "[$name] Overview: $((ov_bytes / 1024)) KB of HTML ($((ov_br / 1024)) KB brotli) — target ≤ 300 KB"
  say "[$name] Action item page: $((de_bytes / 1024)) KB of HTML ($((de_br / 1024)) KB brotli)"

  say "[$name] Overview, $CONNECTIONS connections: wrk -t2 -c$CONNECTIONS -d$DURATION (after a 3 s warm-up)"
  wrk -t2 -c"$CONNECTIONS" -d3s "$overview" >/dev/null
  local ov; ov=$(wrk_stats -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$overview")
  say "[$name] Overview: $(field rps "$ov") req/s, p99 $(field p99_ms "$ov") ms — target ≥ 400 req/s, p99 ≤ 150 ms"
  say "[$name] Overview, one reader at a time: wrk -t1 -c1 -d$DURATION"
  local one; one=$(wrk_stats -t1 -c1 -d"$DURATION" --latency "$overview")
  say "[$name] One reader: p50 $(field p50_ms "$one") ms, p99 $(field p99_ms "$one") ms — target p50 ≤ 5 ms"
  say "[$name] Action item page, $CONNECTIONS connections: wrk -t2 -c$CONNECTIONS -d$DURATION"
  wrk -t2 -c"$CONNECTIONS" -d3s "$detail" >/dev/null
  local de; de=$(wrk_stats -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$detail")
  say "[$name] Action item page: $(field rps "$de") req/s, p99 $(field p99_ms "$de") ms"

  say "[$name] Search, one reader at a time over the whole hackfest: wrk -t1 -c1 -d$DURATION (server function, 7 queries)"
  local se
  se=$(BENCH_SLUG="$slug" wrk -t1 -c1 -d"$DURATION" --latency -s scripts/bench/search.lua "$base/api/search/query" \
    >"$work/search.txt"; cat "$work/search.txt" >&2; grep '^SEARCH' "$work/search.txt")
  say "[$name] Search: p50 $(field p50_ms "$se") ms, p99 $(field p99_ms "$se") ms, $(field failed "$se") failed"

  local sm=""
  if [ "${BENCH_SUMMARY:-1}" != 0 ]; then
    say "[$name] The published summary page: the app uncached, revalidated (304), behind nginx's cache, and nginx serving the same bytes"
    sm=$(scripts/bench/summary.sh "$port" "$slug" "$cookie" "$work/$name" "$DURATION" "$CONNECTIONS" | grep '^SUMMARY')
    echo "$sm"
  fi

  local tabs=""
  if [ "$TABS" -gt 0 ]; then
    say "[$name] $TABS open tabs, then one change to one action item"
    tabs=$(BENCH_TABS=$TABS node scripts/bench/tabs.mjs "$base" "$work/$name/seed.json" | grep '^TABS')
    echo "$tabs"
    say "[$name] One change: $(field total_kb "$tabs") KB fetched by $TABS tabs, per tab max $(field max_tab_kb "$tabs") KB, mean $(field mean_tab_kb "$tabs") KB — target ≤ 10 KB per tab"
  fi

  say "[$name] $EDITORS editors, each saving a different action item: wrk -t$EDITORS -c$EDITORS -d$DURATION (after a 3 s warm-up on other items)"
  local ed_env=(BENCH_ACTIONS="$work/$name/actions.tsv" BENCH_SLUG="$slug" BENCH_COOKIE="$cookie")
  env "${ed_env[@]}" BENCH_EDITOR_OFFSET=$EDITOR_OFFSET \
    wrk -t"$EDITORS" -c"$EDITORS" -d3s --timeout 10s -s scripts/bench/editors.lua "$base/api/actions/update" >/dev/null
  local ed
  ed=$(env "${ed_env[@]}" BENCH_EDITOR_OFFSET=$((EDITOR_OFFSET + EDITORS)) \
    wrk -t"$EDITORS" -c"$EDITORS" -d"$DURATION" --timeout 10s -s scripts/bench/editors.lua "$base/api/actions/update" \
    >"$work/editors.txt"; cat "$work/editors.txt" >&2; grep '^EDITORS' "$work/editors.txt")
  local failed=$(( $(field failed "$ed") + $(field socket_errors "$ed") + $(field timeouts "$ed") ))
  say "[$name] Changes: $(field changes_per_s "$ed")/s, p99 $(field p99_ms "$ed") ms, $failed failed — target (SQLite) ≥ 1,500/s, p99 ≤ 30 ms, none failed"

  local tt="" ttw="" icw="" tt_bytes="" ic_bytes=""
  if [ "${BENCH_TIMETABLE:-1}" != 0 ]; then
    say "[$name] Timetable: a 5-day hackfest with 6 rooms and 300 sessions (server functions)"
    tt=$(python3 scripts/bench/timetable.py "$port" "tt-$slug" | grep '^TIMETABLE')
    local tt_url="$base/h/tt-$slug/schedule?day=$(field day " $tt")" ic_url="$base/h/tt-$slug/schedule.ics"
    tt_bytes=$(curl -fsS "$tt_url" | wc -c)
    say "[$name] Timetable day page: $((tt_bytes / 1024)) KB of HTML; wrk -t2 -c$CONNECTIONS -d$DURATION"
    wrk -t2 -c"$CONNECTIONS" -d3s "$tt_url" >/dev/null
    ttw=$(wrk_stats -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$tt_url")
    say "[$name] Timetable: $(field rps "$ttw") req/s, p99 $(field p99_ms "$ttw") ms"
    if curl -fsS -o /dev/null "$ic_url"; then
      ic_bytes=$(curl -fsS "$ic_url" | wc -c)
      icw=$(wrk_stats -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$ic_url")
      say "[$name] iCal feed (300 sessions): $((ic_bytes / 1024)) KB, $(field rps "$icw") req/s, p99 $(field p99_ms "$icw") ms"
    fi
  fi

  say "[$name] Memory of the server with $IDLE idle live-update connections"
  local rss_before idle
  rss_before=$(awk '/VmRSS/{print $2}' "/proc/$server/status")
  idle=$(python3 scripts/bench/idle.py "$port" "$slug" "$IDLE" "$server")
  local rss_idle; rss_idle=$(field rss_kb " $idle")
  say "[$name] RSS $((rss_before / 1024)) MB before, $((rss_idle / 1024)) MB with $IDLE idle streams"
  stop_server

  # The same saves as the editors', through the domain's write path alone: what HTTP,
  # sessions and JSON cost on top of it is the difference.
  local wr=""
  if [ "${BENCH_WRITES:-1}" != 0 ]; then
    local wdb=$db
    [ "$name" = sqlite ] && wdb="sqlite:$work/writes.db"
    wr=$("$WRITES_BIN" "$wdb" "$EDITORS" "${DURATION%s}" | grep '^WRITES')
    say "[$name] Write path alone, $EDITORS tasks: $(field changes_per_s "$wr")/s, p99 $(field p99_ms "$wr") ms"
  fi

  {
    echo "load=$load"
    echo "overview_kb=$((ov_bytes / 1024))"
    echo "overview_br_kb=$((ov_br / 1024))"
    echo "one_p50_ms=$(field p50_ms "$one")"
    echo "one_p99_ms=$(field p99_ms "$one")"
    echo "overview_rps=$(field rps "$ov")"
    echo "overview_p99_ms=$(field p99_ms "$ov")"
    echo "overview_bad=$(( $(field non2xx "$ov") + $(field socket_errors "$ov") + $(field timeouts "$ov") ))"
    echo "detail_kb=$(awk -v b="$de_bytes" 'BEGIN{printf "%.1f", b/1024}')"
    echo "detail_br_kb=$(awk -v b="$de_br" 'BEGIN{printf "%.1f", b/1024}')"
    echo "detail_rps=$(field rps "$de")"
    echo "detail_p99_ms=$(field p99_ms "$de")"
    echo "detail_bad=$(( $(field non2xx "$de") + $(field socket_errors "$de") + $(field timeouts "$de") ))"
    echo "changes_per_s=$(field changes_per_s "$ed")"
    echo "changes_p50_ms=$(field p50_ms "$ed")"
    echo "changes_p99_ms=$(field p99_ms "$ed")"
    echo "changes_ok=$(field ok "$ed")"
    echo "changes_failed=$failed"
    echo "search_p50_ms=$(field p50_ms "$se")"
    echo "search_p99_ms=$(field p99_ms "$se")"
    echo "search_failed=$(field failed "$se")"
    if [ -n "$sm" ]; then
      for k in bytes uncached_rps uncached_p99_ms revalidated_rps revalidated_non2xx cached_rps nginx_rps; do echo "summary_$k=$(field "$k" "$sm")"; done
    fi
    if [ -n "$tabs" ]; then
      for k in tabs live requests total_kb wire_kb max_tab_kb mean_tab_kb; do echo "tabs_$k=$(field "$k" "$tabs")"; done
    fi
    if [ -n "$wr" ]; then
      echo "writes_per_s=$(field changes_per_s "$wr")"
      echo "writes_p99_ms=$(field p99_ms "$wr")"
    fi
    if [ -n "$ttw" ]; then
      echo "timetable_kb=$(awk -v b="$tt_bytes" 'BEGIN{printf "%.1f", b/1024}')"
      echo "timetable_rps=$(field rps "$ttw")"
      echo "timetable_p99_ms=$(field p99_ms "$ttw")"
    fi
    if [ -n "$icw" ]; then
      echo "ics_kb=$(awk -v b="$ic_bytes" 'BEGIN{printf "%.1f", b/1024}')"
      echo "ics_rps=$(field rps "$icw")"
      echo "ics_p99_ms=$(field p99_ms "$icw")"
    fi
    echo "rss_before_mb=$((rss_before / 1024))"
    echo "rss_idle_mb=$((rss_idle / 1024))"
    echo "idle=$IDLE"
    echo "idle_kb_each=$(( (rss_idle - rss_before) / IDLE ))"
  } >"$out"
}

for name in $DATABASES; do
  case $name in
    sqlite) bench_db sqlite "${BENCH_DATABASE_URL:-sqlite:$work/bench.db}" ;;
    postgres | postgresql)
      if [ -n "${BENCH_DATABASE_URL:-}" ]; then
        bench_db postgres "$BENCH_DATABASE_URL"
      else
        # scripts/postgres.sh starts the local cluster if needed and prints its admin URL.
        PG_ADMIN=${PG_ADMIN:-$(scripts/postgres.sh)}
        pg_db="bench_$(date +%s)_$$"
        psql "$PG_ADMIN" -qc "CREATE DATABASE $pg_db" >/dev/null
        bench_db postgres "${PG_ADMIN%/*}/$pg_db"
        drop_pg
      fi
      ;;
    *) echo "unknown database '$name' (sqlite or postgres)" >&2; exit 1 ;;
  esac
done

wasm=$(ls -t "$SITE"/pkg/*.wasm | head -n 1) # the newest build
{
  echo "wasm_name=$(basename "$wasm")"
  echo "wasm_raw_kb=$(( $(wc -c <"$wasm") / 1024 ))"
  echo "wasm_br_kb=$(( $(brotli -c -q 11 "$wasm" | wc -c) / 1024 ))"
} >"$work/shared.env"
if [ "${BENCH_BUS:-1}" != 0 ]; then
  say "Bus: change -> broker confirm, change -> 1,000 live subscribers (RabbitMQ)"
  amqp=$(scripts/rabbitmq.sh)
  (cd "${BENCH_BUS_DIR:-$repo}" && HACKFEST_TEST_AMQP_ADDR=$amqp cargo test -q -p hackfest --test bus bench_bus_latency \
    -- --ignored --nocapture 2>&1) | grep '^BENCH' | sed 's/^BENCH //' | tee "$work/bus.txt" || true
  say "Webhooks: change -> signed delivery verified by a standardwebhooks receiver (SQLite, PostgreSQL)"
  (cd "${BENCH_BUS_DIR:-$repo}" && cargo test -q -p hackfest --test objects bench_webhook_latency \
    -- --ignored --nocapture 2>&1) | grep '^BENCH' | sed 's/^BENCH //' | tee -a "$work/bus.txt" || true
  i=0
  while read -r line; do i=$((i + 1)); echo "bus_$i=$line"; done <"$work/bus.txt" >>"$work/shared.env"
fi

echo
say "Results ($(nproc) cores; $(basename "$BIN") at $BIN, site $SITE)"
python3 scripts/bench/table.py "$work" $DATABASES | tee "${BENCH_OUT:-/dev/null}"
