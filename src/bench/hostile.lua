-- wrk script: the most expensive reviews within 3 MiB (written by WorstCaseBenchmark write DIR),
-- in turn, one every HOSTILE_DELAY_MS (100) per connection: a tenant's stream run beside the
-- standard mix (mix.lua), whose latency is what the comparison reads.
local common = dofile("src/bench/common.lua")
local delay_ms = tonumber(os.getenv("HOSTILE_DELAY_MS") or "100")
local kinds = {"hostile-hostpath.json", "hostile-sidecar.json", "hostile-over-limits.json"}
init, request = common.in_turn(kinds)
function delay()
  return delay_ms
end
done = common.done
