-- wrk script: concurrent editors, each saving its OWN action item over and over through the
-- server function POST /api/actions/update (slug, id, version, form[...]). Run with one
-- connection per thread (wrk -tN -cN) so each thread is one editor with its own version
-- counter, taken from each answer. Every save must succeed: other answers are failures,
-- counted and printed.
--
-- Environment: BENCH_ACTIONS (actions.tsv from seed.py: id, version, rest of the form),
-- BENCH_SLUG, BENCH_COOKIE, BENCH_EDITOR_OFFSET (first line to use, 0-based).

local items = {}
for line in io.lines(os.getenv("BENCH_ACTIONS")) do
  local id, version, rest = line:match("^([^\t]+)\t(%d+)\t(.*)$")
  items[#items + 1] = { id = id, version = tonumber(version), rest = rest }
end
local offset = tonumber(os.getenv("BENCH_EDITOR_OFFSET") or "0")
local slug = os.getenv("BENCH_SLUG")
local cookie = os.getenv("BENCH_COOKIE")

local threads = {}
local count = 0

function setup(thread)
  count = count + 1
  thread:set("index", offset + count)
  threads[#threads + 1] = thread
end

function init(args)
  me = items[index]
  if me == nil then
    error("not enough action items for editor " .. index)
  end
  version = me.version
  ok, failed, shown = 0, 0, 0
  failures = ""
  headers = {
    ["Host"] = wrk.headers["Host"],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }
end

function request()
  local body = "slug=" .. slug .. "&id=" .. me.id .. "&version=" .. version
    .. "&form%5Btitle%5D=Action+" .. index .. "+edited+to+v" .. (version + 1) .. "&" .. me.rest
  return wrk.format("POST", "/api/actions/update", headers, body)
end

function response(status, hdrs, body)
  local v = body:match('"version":(%d+)')
  if status == 200 then
    ok = ok + 1
    version = v and tonumber(v) or version + 1
  else
    failed = failed + 1
    if shown < 3 then
      shown = shown + 1
      failures = failures .. "  editor " .. index .. ": " .. status .. " " .. body:sub(1, 200):gsub("%s+", " ") .. "\n"
    end
    -- A conflict answers with the stored item: continue from its version, so one failure
    -- does not turn every later save into a conflict too.
    if status == 409 and v then
      version = tonumber(v)
    end
  end
end

function done(summary, latency, requests)
  local ok_total, failed_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    failed_total = failed_total + t:get("failed")
    local f = t:get("failures")
    if f ~= "" then
      io.write(f)
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "EDITORS editors=%d ok=%d failed=%d socket_errors=%d timeouts=%d changes_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    #threads, ok_total, failed_total, e.connect + e.read + e.write, e.timeout, ok_total / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
