#!/usr/bin/env bash
# Load benchmark: the overview of a hackfest with 1,000 goals (wrk; req/s and p99),
# and the size of the WASM bundle raw and brotli-compressed.
# BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL instead of a fresh SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
# 10,000 idle live connections need as many descriptors (client and server).
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
BIN=${CARGO_TARGET_DIR:-target}/release/hackfest
GOALS=${BENCH_GOALS:-1000}
DURATION=${BENCH_DURATION:-15s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db=${BENCH_DATABASE_URL:-sqlite:$work/bench.db}
# The idle-connection step opens 10,000 live streams from one address: lift the per-address cap.
RUST_LOG=warn HACKFEST_DEV_SIGN_IN=true HACKFEST_CHANGES_PER_MINUTE=1000000 HACKFEST_LIVE_PER_CLIENT=1000000 HACKFEST_ADDR=127.0.0.1:$port HACKFEST_DATABASE_URL="$db" \
  LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$BIN" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done

slug="bench-$(date +%s)"
echo "==> Seeding hackfest $slug with $GOALS goals through the server functions"
python3 - "$port" "$slug" "$GOALS" <<'PY'
import http.client, sys, urllib.parse, json
port, slug, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
c = http.client.HTTPConnection("127.0.0.1", port)
form = {"content-type": "application/x-www-form-urlencoded"}
# The development sign-in (turned on above; the bench server listens on loopback).
c.request("POST", "/auth/dev/sign-in", urllib.parse.urlencode({"username": "bench", "role": "admin"}), form)
r = c.getresponse(); r.read()
cookie = r.getheader("set-cookie", "").split(";")[0]
if r.status != 303 or not cookie: sys.exit(f"sign-in failed: {r.status}")
def post(path, fields):
    c.request("POST", path, urllib.parse.urlencode(fields), {**form, "cookie": cookie})
    r = c.getresponse(); body = r.read()
    if r.status != 200: sys.exit(f"{path}: {r.status} {body[:200]!r}")
    return json.loads(body)
post("/api/hackfests/create", {"form[slug]": slug, "form[title]": "Benchmark Hackfest", "form[start_date]": "2026-11-23",
     "form[end_date]": "2026-11-27", "form[time_zone]": "UTC", "form[location]": "Lab", "form[description]": ""})
parents = []
for i in range(n):
    kind = "big" if i % 50 == 0 else "small"
    fields = {"slug": slug, "form[title]": f"Goal {i}: make something faster", "form[description]": "A goal to measure.",
              "form[kind]": kind, "form[status]": "active", "form[progress]": str(i % 101), "form[owner]": f"user{i % 17}",
              "form[parent_id]": parents[-1] if kind == "small" and parents and i % 3 == 0 else ""}
    g = post("/api/goals/create", fields)
    if kind == "big": parents.append(g["id"])
PY

url="http://127.0.0.1:$port/h/$slug"
bytes=$(curl -fsS "$url" | wc -c)
echo "==> GET /h/$slug: $bytes bytes of HTML; wrk -t2 -c$CONNECTIONS -d$DURATION (warm-up 3 s first)"
wrk -t2 -c"$CONNECTIONS" -d3s "$url" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url" | tee "$work/wrk.txt"
rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")
p99=$(awk '/ 99%/{print $2}' "$work/wrk.txt")
echo "==> One reader at a time: wrk -t1 -c1 -d$DURATION"
wrk -t1 -c1 -d"$DURATION" --latency "$url" | tee "$work/wrk1.txt"
p50_one=$(awk '/ 50%/{print $2}' "$work/wrk1.txt")
p99_one=$(awk '/ 99%/{print $2}' "$work/wrk1.txt")

wasm=$(ls -t target/site/pkg/*.wasm | head -n 1)  # the newest build
raw=$(wc -c <"$wasm")
br=$(brotli -c -q 11 "$wasm" | wc -c)

IDLE=${BENCH_IDLE_CONNECTIONS:-10000}
echo "==> Memory of the server with $IDLE idle live-update connections"
rss() { awk '/VmRSS/{print $2}' "/proc/$server/status"; }
rss_before=$(rss)
python3 - "$port" "$slug" "$IDLE" "$server" <<'PY' | tee "$work/idle.txt"
import asyncio, sys
port, slug, n, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
async def one():
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(f"GET /api/hackfests/{slug}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    head = await r.readuntil(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0], head
    return w
async def main():
    conns = []
    for i in range(0, n, 500):
        conns += await asyncio.gather(*(one() for _ in range(min(500, n - i))))
    await asyncio.sleep(2)
    rss = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS"))
    print(f"open={len(conns)} rss_kb={rss}")
    for w in conns: w.close()
asyncio.run(main())
PY
rss_idle=$(awk -F'rss_kb=' '/rss_kb/{print $2}' "$work/idle.txt")

echo "==> Bus: change -> broker confirm, change -> 1,000 live subscribers (RabbitMQ)"
HACKFEST_TEST_AMQP_ADDR=$(scripts/rabbitmq.sh) cargo test -q -p hackfest --test bus bench_bus_latency \
  -- --ignored --nocapture 2>&1 | grep '^BENCH' | tee "$work/bus.txt"
echo
echo "== Results ($(nproc) cores, $(echo "$db" | cut -d: -f1))"
printf 'overview of %s goals (%s KB of HTML): %s req/s, p99 %s with %s connections; one reader: p50 %s, p99 %s\n' \
  "$GOALS" "$((bytes / 1024))" "$rps" "$p99" "$CONNECTIONS" "$p50_one" "$p99_one"
printf 'WASM bundle %s: %s KB raw, %s KB brotli\n' "$(basename "$wasm")" "$((raw / 1024))" "$((br / 1024))"
printf 'server RSS: %s MB before, %s MB with %s idle live connections (%s KB each)\n' \
  "$((rss_before / 1024))" "$((rss_idle / 1024))" "$IDLE" "$(( (rss_idle - rss_before) / IDLE ))"
sed 's/^BENCH //' "$work/bus.txt"
