-- wrk script: POSTs a mix of AdmissionReviews to /mutate, as the API server would, over one
-- kept-alive connection per wrk connection. Out of every 10 requests: 5 hostpath patches,
-- 2 sidecar patches, 1 denial, 2 pods that are not opted in.
local common = dofile("src/bench/common.lua")
local kinds = {"hostpath.json", "hostpath.json", "sidecar.json", "hostpath.json", "skipped.json",
               "hostpath.json", "denied.json", "sidecar.json", "hostpath.json", "skipped.json"}
init, request = common.in_turn(kinds)
done = common.done
