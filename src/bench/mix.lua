-- wrk script: POSTs a mix of AdmissionReviews to /mutate, as the API server would, over one
-- kept-alive connection per wrk connection. Out of every 10 requests: 5 hostpath patches,
-- 2 sidecar patches, 1 denial, 2 pods that are not opted in.
local dir = os.getenv("BENCH_INPUTS")
local function read(name)
  local f = assert(io.open(dir .. "/" .. name, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end
local kinds = {"hostpath.json", "hostpath.json", "sidecar.json", "hostpath.json", "skipped.json",
               "hostpath.json", "denied.json", "sidecar.json", "hostpath.json", "skipped.json"}
local requests = {}
local counter = 0
-- Built in init(), once wrk has set the Host header from the URL.
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  for i, kind in ipairs(kinds) do
    requests[i] = wrk.format(nil, "/mutate", nil, read(kind))
  end
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
