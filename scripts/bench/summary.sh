#!/usr/bin/env bash
# The published summary page (issue 11), against nginx on the same machine in the same run:
#   - the app, uncached (every request rendered);
#   - the app answering revalidations (If-None-Match → 304, nothing rendered);
#   - nginx as a caching reverse proxy in front of the app (200s from its cache, as the
#     page's Cache-Control allows);
#   - nginx serving the same bytes as a static file (the yardstick).
# usage: summary.sh PORT SLUG COOKIE WORK_DIR DURATION CONNECTIONS; prints one SUMMARY line.
set -euo pipefail
port=$1 slug=$2 cookie=$3 work=$4 duration=$5 connections=$6
base="http://127.0.0.1:$port"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
p99() { sed -n 's/^STATS.* p99_ms=\([^ ]*\).*/\1/p'; }

# The week's summary, drafted from the record and published by the seeding organizer.
curl -fsS -o "$work/summary.json" -b "$cookie" -H "Origin: $base" --data-urlencode "slug=$slug" --data-urlencode day=week "$base/api/summaries/generate"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/summary.json")
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/summary.json")
curl -fsS -o /dev/null -b "$cookie" -H "Origin: $base" -H 'Accept: application/json' \
  --data-urlencode "slug=$slug" --data-urlencode "id=$id" --data-urlencode "version=$version" "$base/api/summaries/publish"
page="$base/h/$slug/summary"
mkdir -p "$work/www" "$work/nginx-cache"
curl -fsS -D "$work/summary.headers" -o "$work/www/summary.html" "$page"
etag=$(sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' "$work/summary.headers")
[ -n "$etag" ] || { echo "the summary page has no ETag" >&2; exit 1; }
bytes=$(wc -c <"$work/www/summary.html")

static_port=$(free_port) proxy_port=$(free_port)
cat >"$work/nginx.conf" <<CONF
daemon off;
user root;
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  proxy_cache_path $work/nginx-cache keys_zone=summaries:1m;
  server {
    listen 127.0.0.1:$static_port;
    root $work/www;
    location / { default_type text/html; try_files /summary.html =404; }
  }
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass $base;
      proxy_set_header Host 127.0.0.1:$port;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache summaries;
      proxy_cache_revalidate on;
    }
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null || true; wait $nginx_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fsS -o /dev/null "http://127.0.0.1:$static_port/" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "http://127.0.0.1:$proxy_port/h/$slug/summary" # fills the cache

w() { wrk -t2 -c"$connections" -d"$duration" "$@"; }
uncached=$(w -s scripts/bench/stats.lua --latency "$page" | tee "$work/s1.txt" | sed -n 's/^STATS.* rps=\([^ ]*\).*/\1/p'); up99=$(p99 <"$work/s1.txt")
revalidated=$(w -s scripts/bench/stats.lua -H "If-None-Match: $etag" "$page" | tee "$work/s2.txt" | sed -n 's/^STATS.* rps=\([^ ]*\).*/\1/p')
non304=$(sed -n 's/^STATS.* non2xx=\([^ ]*\).*/\1/p' "$work/s2.txt")
cached=$(w -s scripts/bench/stats.lua "http://127.0.0.1:$proxy_port/h/$slug/summary" | sed -n 's/^STATS.* rps=\([^ ]*\).*/\1/p')
static=$(w -s scripts/bench/stats.lua "http://127.0.0.1:$static_port/" | sed -n 's/^STATS.* rps=\([^ ]*\).*/\1/p')
echo "SUMMARY bytes=$bytes uncached_rps=$uncached uncached_p99_ms=$up99 revalidated_rps=$revalidated revalidated_non2xx=$non304 cached_rps=$cached nginx_rps=$static"
