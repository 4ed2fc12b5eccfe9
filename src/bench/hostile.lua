-- wrk script: the most expensive reviews within 3 MiB (written by WorstCaseBenchmark write DIR),
-- in turn, one every HOSTILE_DELAY_MS (100) per connection: a tenant's stream run beside the
-- standard mix (mix.lua), whose latency is what the comparison reads.
local dir = os.getenv("BENCH_INPUTS")
local delay_ms = tonumber(os.getenv("HOSTILE_DELAY_MS") or "100")
local function read(name)
  local f = assert(io.open(dir .. "/" .. name, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end
local kinds = {"hostile-hostpath.json", "hostile-sidecar.json", "hostile-over-limits.json"}
local requests = {}
local counter = 0
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  for i, kind in ipairs(kinds) do
    requests[i] = wrk.format(nil, "/mutate", nil, read(kind))
  end
end
function delay()
  return delay_ms
end
function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f errors=%d non2xx=%d p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
