#!/usr/bin/env bash
# s3jars soak: the packaged webhook in local mode under a steady request rate for a long time, while
# the policy file and the nodes file keep changing under it. Not part of CI.
#
#   src/soak/run.sh                          # 10 minutes at 500 req/s
#   DURATION=2m RATE=300 src/soak/run.sh     # shorter or lighter
#   HOSTILE=1 src/soak/run.sh                # and a tenant's stream of the costliest reviews beside it
#
# Load: a small Go client (src/soak/load) with CONNECTIONS kept-alive HTTPS connections, the mix of
# src/bench (5 hostpath, 2 sidecar, 1 denied, 2 not opted in per 10), every answer checked: uid,
# allowed or a 403 denial as its kind requires, a base64 JSON patch with a known mode and image.
# Meanwhile, every POLICY_EVERY seconds a valid policy edit (the sidecar image tag and a binding for
# spark-team-c toggle), every 4th edit an invalid one (a binding naming an undeclared bucket) that
# must be ignored; every NODES_EVERY seconds the nodes file flips between 9 mount-ready nodes and
# none, so `auto` answers switch between hostpath and sidecar. Files are replaced by rename, as a
# ConfigMap volume does.
#
# With HOSTILE=1, a wrk client also sends the most expensive reviews within 3 MiB for the whole run
# (src/bench/hostile.lua, two connections, 16-bucket pods at every limit and a 100,000-container pod,
# under the example policy with those 16 buckets added), as src/bench/run.sh's hostile mix does;
# its answers (most of them 503: large reviews are rationed) are reported, not checked.
#
# Prints latency per minute, errors, RSS and heap after a full GC at start and end, policy reloads
# applied and edits refused (from /q/metrics), and the exit status of a final SIGTERM. Exits non-zero
# if any request failed, if reloads or refusals do not match the edits made, or if the heap after GC
# grew by more than HEAP_GROWTH_MAX_MIB.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
[ $# -eq 0 ] || { echo "unknown argument $1; settings are environment variables: $0 --help" >&2; exit 2; }
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10m}
WARMUP=${WARMUP:-20s}
RATE=${RATE:-500}
CONNECTIONS=${CONNECTIONS:-8}
POLICY_EVERY=${POLICY_EVERY:-5}
NODES_EVERY=${NODES_EVERY:-4}
HEAP_GROWTH_MAX_MIB=${HEAP_GROWTH_MAX_MIB:-16}
HOSTILE=${HOSTILE:-0}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$(mktemp -d /tmp/s3jars-soak.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done' EXIT

. src/bench/common.sh
# The chart's JVM options, heap sized as in its container, and the image's class-data sharing archive.
JAVA_OPTS=${JAVA_OPTS:-$(chart_java_opts)}
need go golang-go
need bc bc
need curl curl
need jcmd openjdk-17-jdk-headless
need jstat openjdk-17-jdk-headless
[ "$HOSTILE" = 1 ] && need wrk wrk

JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
java -jar "$JAR" certs --service s3jars --namespace soak --dns localhost --ip 127.0.0.1 --out "$WORK/pki" >/dev/null
python3 src/bench/make-inputs.py "$WORK"
(cd src/soak/load && GOFLAGS=-mod=mod go build -o "$WORK/soak-load" .)

BASE_POLICY=examples/policy.yaml
if [ "$HOSTILE" = 1 ]; then
  # The hostile reviews and the example policy with their 16 buckets, as the benchmark writes them.
  mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >"$WORK/mvn.log" 2>&1 \
    || { cat "$WORK/mvn.log"; exit 1; }
  java -cp "target/classes:target/test-classes:$(cat "$WORK/classpath")" io.s3jars.admission.WorstCaseBenchmark write "$WORK"
  BASE_POLICY=$WORK/policy-hostile.yaml
  export BENCH_INPUTS=$WORK
fi

# The edits: two valid policies that differ in the sidecar image and a binding, an invalid one,
# and the nodes file with 9 of 10 nodes mount-ready or none.
cp "$BASE_POLICY" "$WORK/policy-a.yaml"
sed 's|mount-s3:1.21.0|mount-s3:1.21.1|' "$BASE_POLICY" >"$WORK/policy-b.yaml"
printf '  - name: team-c-jars\n    namespaces: [spark-team-c]\n    buckets: [spark-jars-bucket]\n' >>"$WORK/policy-b.yaml"
sed 's|buckets: \[spark-jars-bucket\]$|buckets: [spark-jars-bucket, no-such-bucket]|' "$BASE_POLICY" >"$WORK/policy-invalid.yaml"
cp "$WORK/nodes-10.json" "$WORK/nodes-ready.json"
python3 - "$WORK" <<'EOF'
import json, sys
nodes = json.load(open(f"{sys.argv[1]}/nodes-10.json"))
for node in nodes["items"]:
    node["metadata"]["labels"].pop("mountpoint.s3jars.io/spark-jars-bucket", None)
json.dump(nodes, open(f"{sys.argv[1]}/nodes-none.json", "w"))
EOF
cp "$WORK/policy-a.yaml" "$WORK/policy.yaml"
cp "$WORK/nodes-ready.json" "$WORK/nodes.json"

# replace SOURCE TARGET: a new file renamed over the old one, so a reader never sees half of it.
replace() { cp "$1" "$2.tmp" && mv "$2.tmp" "$2"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
metric() { curl -sf "localhost:$MANAGEMENT_PORT/q/metrics" | awk -v m="$1" '$1 == m {printf "%d", $2}'; }

WEBHOOK_PORT=$(free_port)
MANAGEMENT_PORT=$(free_port)
# The class-data sharing archive, as the image builds it.
# shellcheck disable=SC2086
QUARKUS_HTTP_SSL_PORT=$WEBHOOK_PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT \
  src/main/docker/train-class-data-sharing.sh "$JAR" "$WORK/s3jars.jsa" $JAVA_OPTS >/dev/null
S3JARS_POLICY_FILE=$WORK/policy.yaml S3JARS_NODES_FILE=$WORK/nodes.json \
  S3JARS_TLS_CERT=$WORK/pki/tls.crt S3JARS_TLS_KEY=$WORK/pki/tls.key \
  QUARKUS_HTTP_SSL_PORT=$WEBHOOK_PORT QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT \
  taskset -c "$SERVER_CPU" java $JAVA_OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -XX:SharedArchiveFile="$WORK/s3jars.jsa" -jar "$JAR" >"$WORK/s3jars.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")
until curl -sf "localhost:$MANAGEMENT_PORT/q/health/ready" >/dev/null; do
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/s3jars.log"; exit 1; }
  sleep 0.1
done

load() { # load DURATION -> the client's report
  taskset -c "$LOAD_CPU" "$WORK/soak-load" -url "https://localhost:$WEBHOOK_PORT/mutate" -ca "$WORK/pki/ca.crt" \
    -inputs "$WORK" -rate "$RATE" -conns "$CONNECTIONS" -duration "$1"
}

echo "== s3jars soak: $DURATION at $RATE req/s over $CONNECTIONS connections after $WARMUP warm-up; work in $WORK"
warmup=$(load "$WARMUP")
warmup_errors=$(field errors "$(grep '^RESULT' <<<"$warmup")")
rss_start=$(rss_mib "$SERVER")
heap_start=$(heap_after_gc "$SERVER")
generation_start=$(metric s3jars_policy_generation)
failures_start=$(metric s3jars_policy_reload_failures_total)

# The editors count what they did in files, since they run in subshells; they stop at $WORK/stop.
(
  edits=0 valid=0 invalid=0 next=b
  while sleep "$POLICY_EVERY" && [ ! -e "$WORK/stop" ]; do
    edits=$((edits + 1))
    if (( edits % 4 == 0 )); then
      replace "$WORK/policy-invalid.yaml" "$WORK/policy.yaml"; invalid=$((invalid + 1))
    else
      replace "$WORK/policy-$next.yaml" "$WORK/policy.yaml"; valid=$((valid + 1))
      next=$([ "$next" = a ] && echo b || echo a)
    fi
    echo "$valid $invalid" >"$WORK/policy-edits"
  done
) &
POLICY_EDITOR=$!
PIDS+=("$POLICY_EDITOR")
(
  flips=0
  while sleep "$NODES_EVERY" && [ ! -e "$WORK/stop" ]; do
    flips=$((flips + 1))
    replace "$WORK/nodes-$([ $((flips % 2)) = 1 ] && echo none || echo ready).json" "$WORK/nodes.json"
    echo "$flips" >"$WORK/node-flips"
  done
) &
NODES_EDITOR=$!
PIDS+=("$NODES_EDITOR")

if [ "$HOSTILE" = 1 ]; then
  taskset -c "$LOAD_CPU" wrk -t1 -c2 -d"$DURATION" -s src/bench/hostile.lua "https://localhost:$WEBHOOK_PORT" \
    | grep '^RESULT' >"$WORK/hostile.txt" &
  HOSTILE_CLIENT=$!
  PIDS+=("$HOSTILE_CLIENT")
fi
report=$(load "$DURATION")
[ "$HOSTILE" = 1 ] && wait "$HOSTILE_CLIENT"
touch "$WORK/stop"
wait "$POLICY_EDITOR" "$NODES_EDITOR"
# Time for the poller (every 2 s) to read the last edit, then a last good policy, read likewise.
sleep 3
replace "$WORK/policy-a.yaml" "$WORK/policy.yaml"
sleep 3
read -r valid_edits invalid_edits <"$WORK/policy-edits" || { valid_edits=0; invalid_edits=0; }
valid_edits=$((valid_edits + 1))
node_flips=$(cat "$WORK/node-flips" 2>/dev/null || echo 0)

rss_end=$(rss_mib "$SERVER")
heap_end=$(heap_after_gc "$SERVER")
reloads=$(( $(metric s3jars_policy_generation) - generation_start ))
refused=$(( $(metric s3jars_policy_reload_failures_total) - failures_start ))
stop_start=$(date +%s%N)
kill -TERM "$SERVER"
set +e; wait "$SERVER"; exit_status=$?; set -e
stop_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))

result=$(grep '^RESULT' <<<"$report")
errors=$(( $(field errors "$result") + warmup_errors ))
growth=$(echo "$heap_end - $heap_start" | bc -l)

echo
grep -v '^RESULT' <<<"$report"
echo
printf "requests:      %d in %s s (%.0f req/s), plus %s in warm-up\n" "$(field requests "$result")" \
  "$(field seconds "$result")" "$(echo "$(field requests "$result") / $(field seconds "$result")" | bc -l)" \
  "$(field requests "$(grep '^RESULT' <<<"$warmup")")"
echo "errors:        $errors (transport $(field transport "$result"), non-2xx $(field status "$result"), unexpected content $(field content "$result"); warm-up $warmup_errors)"
echo "RSS:           ${rss_start} MiB at start, ${rss_end} MiB at end"
printf "heap after GC: %s MiB at start, %s MiB at end (%+.1f MiB; limit +%s)\n" "$heap_start" "$heap_end" "$growth" "$HEAP_GROWTH_MAX_MIB"
echo "policy:        $reloads reloads applied for $valid_edits valid edits; $refused refused for $invalid_edits invalid edits"
echo "nodes:         $node_flips flips of the nodes file"
echo "stop:          SIGTERM -> exit $exit_status in ${stop_ms} ms"
if [ "$HOSTILE" = 1 ]; then
  hostile=$(cat "$WORK/hostile.txt")
  printf "hostile:       %d reviews of up to 3 MiB sent, %d answered other than 200 (large reviews rationed), %d failed, p99 %.1f ms\n" \
    "$(field requests "$hostile")" "$(field non2xx "$hostile")" "$(field errors "$hostile")" \
    "$(echo "$(field p99 "$hostile") / 1000" | bc -l)"
fi

status=0
(( errors == 0 )) || { echo "FAIL: $errors requests failed"; status=1; }
(( reloads == valid_edits )) || { echo "FAIL: $reloads policy reloads for $valid_edits valid edits"; status=1; }
(( refused == invalid_edits )) || { echo "FAIL: $refused refusals for $invalid_edits invalid edits"; status=1; }
(( $(echo "$growth <= $HEAP_GROWTH_MAX_MIB" | bc -l) )) || { echo "FAIL: heap after GC grew by $growth MiB"; status=1; }
(( exit_status == 143 )) || { echo "FAIL: exit status $exit_status after SIGTERM (expected 143)"; status=1; }
(( status == 0 )) && echo "PASS"
exit "$status"
