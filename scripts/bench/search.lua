-- wrk script: one reader searching the benchmark hackfest through the server function
-- POST /api/search/query, cycling through queries that match many, few and no objects.
-- Environment: BENCH_SLUG. Prints one SEARCH line (p50/p99 in ms, failures).
local slug = os.getenv("BENCH_SLUG")
local queries = { "goal", "action item", "decision 17", "session", "storage migration", "nothing-matches-this", "benchmark" }
local i = 0
local failed = 0

function request()
  i = i % #queries + 1
  local q = queries[i]:gsub(" ", "+")
  return wrk.format("POST", "/api/search/query", { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "slug=" .. slug .. "&q=" .. q)
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("SEARCH requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed + summary.errors.status))
end
