-- wrk script for the page runs: the plain GET wrk sends, plus one machine-readable line.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("STATS requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f non2xx=%d socket_errors=%d timeouts=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write, e.timeout))
end
