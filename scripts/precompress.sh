#!/usr/bin/env bash
# Stores brotli (quality 11) and gzip copies of the built assets, so the server sends
# them compressed without compressing on every request.
set -euo pipefail
dir=${1:-target/site/pkg}
for f in "$dir"/*.{wasm,js,css}; do
  [ -f "$f" ] || continue
  [ "$f.br" -nt "$f" ] || brotli -f -q 11 -o "$f.br" "$f"
  [ "$f.gz" -nt "$f" ] || gzip -f -k -9 "$f"
done
