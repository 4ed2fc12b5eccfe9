-- What the wrk scripts share (loaded with dofile from the repository root, where run.sh runs):
-- the request bodies from BENCH_INPUTS, and the one RESULT line run.sh reads.
local M = {}

function M.read(name)
  local f = assert(io.open(os.getenv("BENCH_INPUTS") .. "/" .. name, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end

-- POST /mutate requests, one per file name; call from init(), once wrk has set the Host header.
function M.requests(kinds)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local requests = {}
  for i, kind in ipairs(kinds) do
    requests[i] = wrk.format(nil, "/mutate", nil, M.read(kind))
  end
  return requests
end

-- init() and request() for a script that sends the files of kinds in turn, one per request.
function M.in_turn(kinds)
  local requests = {}
  local counter = 0
  local function init(args)
    requests = M.requests(kinds)
  end
  local function request()
    counter = counter + 1
    return requests[(counter % #requests) + 1]
  end
  return init, request
end

function M.done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d seconds=%.2f errors=%d non2xx=%d p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end

return M
