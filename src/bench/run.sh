#!/usr/bin/env bash
# s3jars benchmark: drives /mutate as the API server does (HTTPS, HTTP/1.1 keep-alive, several
# connections, real Spark executor reviews in a mix of hostpath, sidecar, denied and not opted
# in) and compares in the same run with a Go reference webhook and a TLS+HTTP floor.
#
#   src/bench/run.sh                 # standard run (about 19 minutes)
#   DURATION=60s src/bench/run.sh    # longer measurements
#   LONG=1 src/bench/run.sh          # adds a 5-minute run reporting heap after GC at start and end
#   ONLY=hostile src/bench/run.sh    # only the standard load beside a stream of the costliest reviews,
#                                    # in its first DURATION and once it has run HOSTILE_WARMUP (60s) more
#   ONLY=footprint src/bench/run.sh  # only where the resident memory goes at the standard load, for
#                                    # each set of JVM options in FOOTPRINT_OPTS (sets separated by |,
#                                    # each may begin with MALLOC_ARENA_MAX=N; default: the chart's)
#
# Server and load generator are pinned to different cores (SERVER_CPU, LOAD_CPU) so that they do
# not steal from each other; every server gets the same single core. The JVM starts on every core
# (as a pod without a CPU limit does) and is pinned once ready; its warm-up is long because on one
# core the JIT compiler competes with the requests for minutes: after 60 s the JVM's p99 is still
# 10-30% above its steady state. Every server of the comparison gets the same 3-minute warm-up; the
# scale runs, which only show that latency stays flat, get 60 s (SCALE_WARMUP).
#
# s3jars runs with the chart's JVM options (JAVA_OPTS below; -XX:MaxRAM gives the JVM the chart's
# memory limit) and a class-data sharing archive written first by
# src/main/docker/train-class-data-sharing.sh, as the image build does.
set -euo pipefail
if [ "${1:-}" = --help ] || [ "${1:-}" = -h ]; then
  sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
  exit 0
fi
[ $# -eq 0 ] || { echo "unknown argument $1; settings are environment variables: $0 --help" >&2; exit 2; }
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-180s}
SCALE_WARMUP=${SCALE_WARMUP:-60s}
HOSTILE_WARMUP=${HOSTILE_WARMUP:-60s}
CONNECTIONS=${CONNECTIONS:-8}
SERVER_CPU=${SERVER_CPU:-1}
LOAD_CPU=${LOAD_CPU:-0}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$(mktemp -d /tmp/s3jars-bench.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done' EXIT

. src/bench/common.sh
# The chart's JVM options, with the heap sized as in the chart's container (chart_java_opts).
JAVA_OPTS=${JAVA_OPTS:-$(chart_java_opts)}
need wrk wrk
need go golang-go
need bc bc
need curl curl
need jcmd openjdk-17-jdk-headless

JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
java -jar "$JAR" certs --service s3jars --namespace bench --dns localhost --ip 127.0.0.1 --out "$WORK/pki" >/dev/null
python3 src/bench/make-inputs.py "$WORK"
# The in-process benchmarks' classpath, and the hostile reviews and their policy for the hostile mix.
if [ "${ONLY:-}" != footprint ]; then
  mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >"$WORK/mvn.log" 2>&1 \
    || { cat "$WORK/mvn.log"; exit 1; }
  java -cp "target/classes:target/test-classes:$(cat "$WORK/classpath")" io.s3jars.admission.WorstCaseBenchmark write "$WORK"
  (cd src/bench/go-reference && GOFLAGS=-mod=mod go build -o "$WORK/go-reference" .)
fi
export BENCH_INPUTS=$WORK


# load PORT SECONDS -> prints the RESULT line of mix.lua
load() {
  taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"$2" -s src/bench/mix.lua "https://localhost:$1" | grep '^RESULT'
}

# warm_up PORT [DURATION]: WARMUP (or DURATION) of load in six runs, so that new connections (TLS
# handshakes) are part of what the JIT compiler sees, as they are in a cluster; otherwise the first
# handshakes of the measured run deoptimise hot TLS code and its recompilation shows in the tail.
warm_up() {
  local seconds=${2:-$WARMUP}
  seconds=${seconds%s}
  for run in 1 2 3 4 5 6; do load "$1" "$((seconds / 6))s" >/dev/null; done
}


# start_s3jars NODES_FILE POLICY_FILE [CPUS] -> sets S3JARS_PID and READY_MS (JVM start to ready),
# then pins every thread to SERVER_CPU. One event loop, as s3jars sizes them on a one-core pod (it
# counts the cores at start, when this JVM still sees two). Denials are logged at WARN in
# production; here only errors are, since the Go reference logs nothing either.
start_s3jars() {
  local start=$(date +%s%N)
  S3JARS_POLICY_FILE=$2 S3JARS_NODES_FILE=$1 S3JARS_TLS_CERT=$WORK/pki/tls.crt S3JARS_TLS_KEY=$WORK/pki/tls.key \
    QUARKUS_LOG_CATEGORY__IO_S3JARS__LEVEL=ERROR QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE=1 \
    taskset -c "${3:-$SERVER_CPU,$LOAD_CPU}" java $JAVA_OPTS -XX:SharedArchiveFile="$WORK/s3jars.jsa" -jar "$JAR" \
    >"$WORK/s3jars.log" 2>&1 &
  S3JARS_PID=$!
  PIDS+=("$S3JARS_PID")
  until curl -sf localhost:9000/q/health/ready >/dev/null 2>&1; do sleep 0.01; done
  READY_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  taskset -a -p -c "$SERVER_CPU" "$S3JARS_PID" >/dev/null
}

# The class-data sharing archive, made by the image build's own script.
train_class_data_sharing() {
  # shellcheck disable=SC2086
  src/main/docker/train-class-data-sharing.sh "$JAR" "$WORK/s3jars.jsa" $JAVA_OPTS >/dev/null
}

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

stop() { kill "$1"; wait "$1" 2>/dev/null || true; }


row() { # row NAME RESULT RSS
  local seconds=$(field seconds "$2")
  printf "%-22s %10.0f %8.2f %8.2f %8.2f %8.2f %7s %8s\n" "$1" "$(echo "$(field requests "$2") / $seconds" | bc -l)" \
    "$(echo "$(field p50 "$2") / 1000" | bc -l)" "$(echo "$(field p90 "$2") / 1000" | bc -l)" \
    "$(echo "$(field p99 "$2") / 1000" | bc -l)" "$(echo "$(field max "$2") / 1000" | bc -l)" \
    "$(( $(field errors "$2") + $(field non2xx "$2") ))" "$3"
}
# gc_pauses NAME FROM TO: the pauses in lines FROM..TO of the hostile run's GC log (-Xlog:gc).
gc_pauses() {
  sed -n "$(($2 + 1)),$3p" "$WORK/gc-hostile.log" | awk -v name="$1" '
    / Pause / { ms = $NF; sub(/ms$/, "", ms); n++; total += ms; if (ms > max) max = ms; if (ms >= 5) slow++; if (/Pause Full/) full++ }
    END { printf "GC, %s: %d pauses, %.0f ms in all, %d of 5 ms or more, %d full, longest %.1f ms\n", name, n, total, slow, full, max }'
}
rps() { echo "$(field requests "$1") / $(field seconds "$1")" | bc -l; }
header() { printf "%-22s %10s %8s %8s %8s %8s %7s %8s\n" server req/s p50_ms p90_ms p99_ms max_ms errors RSS_MiB; }

# hostile_mix: the standard load alone, then beside a stream of the most expensive reviews: in the
# stream's first DURATION, when the JIT compiler recompiles the paths the stream brings (reported),
# and once the stream has run HOSTILE_WARMUP more (the target). GC pauses are counted per phase
# from the server's GC log.
hostile_mix() {
  echo
  echo "== the standard load, then the same with a tenant's stream of the most expensive reviews beside it"
  echo "   target: p99 of the standard load, once the stream has run ${HOSTILE_WARMUP%s} s, at most 2x its own; RSS under the chart's 384 MiB limit"
  JAVA_OPTS="$JAVA_OPTS -Xlog:gc:file=$WORK/gc-hostile.log" start_s3jars "$WORK/nodes-1000.json" "$WORK/policy-hostile.yaml"
  warm_up 8443 "$SCALE_WARMUP"
  local alone first steady hostile marks=() seconds=${DURATION%s}
  marks+=("$(wc -l <"$WORK/gc-hostile.log")")
  alone=$(load 8443 "$DURATION")
  marks+=("$(wc -l <"$WORK/gc-hostile.log")")
  taskset -c "$LOAD_CPU" wrk -t1 -c"${HOSTILE_CONNECTIONS:-2}" -d"$((2 * seconds + ${HOSTILE_WARMUP%s} + 2))s" \
    -s src/bench/hostile.lua "https://localhost:8443" | grep '^RESULT' >"$WORK/hostile.txt" &
  HOSTILE_PID=$!
  first=$(load 8443 "$DURATION")
  warm_up 8443 "$HOSTILE_WARMUP"
  marks+=("$(wc -l <"$WORK/gc-hostile.log")")
  steady=$(load 8443 "$DURATION")
  marks+=("$(wc -l <"$WORK/gc-hostile.log")")
  wait "$HOSTILE_PID"
  hostile=$(cat "$WORK/hostile.txt")
  header
  row "standard alone" "$alone" ""
  row "beside, first ${seconds}s" "$first" ""
  row "beside, after ${HOSTILE_WARMUP%s}s more" "$steady" "$(rss_mib "$S3JARS_PID")"
  row "the hostile stream" "$hostile" ""
  printf "p99 beside the stream / alone: %.2fx in its first %s s (the JIT recompiles for it), %.2fx once it has run %s s more (target)\n" \
    "$(echo "$(field p99 "$first") / $(field p99 "$alone")" | bc -l)" "$seconds" \
    "$(echo "$(field p99 "$steady") / $(field p99 "$alone")" | bc -l)" "${HOSTILE_WARMUP%s}"
  gc_pauses "standard alone" "${marks[0]}" "${marks[1]}"
  gc_pauses "after ${HOSTILE_WARMUP%s}s more" "${marks[2]}" "${marks[3]}"
  stop "$S3JARS_PID"
}

# footprint: RSS, throughput and where the resident memory is at the standard load (by mapping, and
# native memory tracking's committed categories), once per set of JVM options.
footprint() {
  local sets opts
  IFS='|' read -ra sets <<<"${FOOTPRINT_OPTS:-$(chart_java_opts)}"
  echo
  echo "== footprint: resident memory at the standard load (1,000 nodes, examples/policy.yaml), by JVM options"
  echo "   target: RSS at most 150 MiB, throughput at most 10% below the chart's options"
  for opts in "${sets[@]}"; do
    # A set may begin with MALLOC_ARENA_MAX=N, for that start only.
    local MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX
    if [[ $opts == MALLOC_ARENA_MAX=* ]]; then
      MALLOC_ARENA_MAX=${opts%% *}; MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX#*=}; opts=${opts#* }
    fi
    local JAVA_OPTS="$opts -XX:NativeMemoryTracking=summary"
    train_class_data_sharing
    start_s3jars "$WORK/nodes-1000.json" examples/policy.yaml
    warm_up 8443 "$SCALE_WARMUP"
    local result
    result=$(load 8443 "$DURATION")
    echo
    echo "options: $opts (MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX)"
    # Resident memory first: the full collection that heap_after_gc runs may give heap back.
    local rss resident
    rss=$(rss_mib "$S3JARS_PID")
    resident=$(python3 src/bench/resident.py "$S3JARS_PID")
    printf "%.0f req/s, p99 %.2f ms, RSS %s MiB, heap after GC %s MiB, %s threads\n" "$(rps "$result")" \
      "$(echo "$(field p99 "$result") / 1000" | bc -l)" "$rss" "$(heap_after_gc "$S3JARS_PID")" \
      "$(ls "/proc/$S3JARS_PID/task" | wc -l)"
    echo "resident, by mapping:"
    echo "$resident"
    # Committed memory per native-memory-tracking category, largest first; "Other" holds Netty's direct
    # buffers (allocated through Unsafe), "Shared class space" the class-data sharing archive.
    echo "committed, by native memory tracking's categories (committed is not resident: see above):"
    jcmd "$S3JARS_PID" VM.native_memory summary | sed -nE \
      -e 's/^Total: reserved=[0-9]+KB, committed=([0-9]+)KB.*/total_committed \1/p' \
      -e 's/^-[[:space:]]+(.+) \(reserved=[0-9]+KB, committed=([0-9]+)KB\)/\1 \2/p' \
      | awk '{kb = $NF; $NF = ""; printf "%10.1f MiB  %s\n", kb / 1024, $0}' | sort -rn | awk '$1 >= 0.5'
    stop "$S3JARS_PID"
  done
}

if [ "${ONLY:-}" = footprint ]; then
  footprint
  exit 0
fi

if [ "${ONLY:-}" = hostile ]; then
  train_class_data_sharing
  hostile_mix
  exit 0
fi

echo "== s3jars benchmark: $(nproc) cores, server on cpu $SERVER_CPU, wrk on cpu $LOAD_CPU, $CONNECTIONS connections, ${DURATION} per run after ${WARMUP} warm-up"
echo "   mix per 10 requests: 5 hostpath, 2 sidecar, 1 denied, 2 not opted in; bodies from the Spark 4.1.1 executor pod"

train_class_data_sharing
echo
echo "== startup: JVM start to /q/health/ready, 1,000 nodes in the nodes file (3 starts each, median)"
for cpus in "$SERVER_CPU,$LOAD_CPU" "$SERVER_CPU"; do
  times=()
  for attempt in 1 2 3; do
    start_s3jars "$WORK/nodes-1000.json" examples/policy.yaml "$cpus"
    times+=("$READY_MS")
    stop "$S3JARS_PID"
  done
  echo "cpus $cpus: ${times[*]} ms -> median $(printf '%s\n' "${times[@]}" | median) ms"
done

start_s3jars "$WORK/nodes-1000.json" examples/policy.yaml
ready_ms=$READY_MS
warm_up 8443
heap_start=$(heap_after_gc "$S3JARS_PID")
s3jars=$(load 8443 "$DURATION")
s3jars_rss=$(rss_mib "$S3JARS_PID")

taskset -c "$SERVER_CPU" env GOMAXPROCS=1 "$WORK/go-reference" -addr :9443 -cert "$WORK/pki/tls.crt" -key "$WORK/pki/tls.key" &
GO_PID=$!; PIDS+=("$GO_PID"); sleep 1
warm_up 9443
reference=$(load 9443 "$DURATION")
reference_rss=$(rss_mib "$GO_PID")
stop "$GO_PID"

taskset -c "$SERVER_CPU" env GOMAXPROCS=1 "$WORK/go-reference" -floor -addr :9444 -cert "$WORK/pki/tls.crt" -key "$WORK/pki/tls.key" &
FLOOR_PID=$!; PIDS+=("$FLOOR_PID"); sleep 1
warm_up 9444
floor=$(load 9444 "$DURATION")
floor_rss=$(rss_mib "$FLOOR_PID")
stop "$FLOOR_PID"

echo
header
row "s3jars" "$s3jars" "$s3jars_rss"
row "go reference webhook" "$reference" "$reference_rss"
row "TLS+HTTP floor (Go)" "$floor" "$floor_rss"
echo
printf "throughput s3jars / go reference: %.2fx   p99 s3jars / go reference: %.2fx   s3jars / TLS floor: %.0f%%\n" \
  "$(echo "$(rps "$s3jars") / $(rps "$reference")" | bc -l)" \
  "$(echo "$(field p99 "$s3jars") / $(field p99 "$reference")" | bc -l)" \
  "$(echo "100 * $(rps "$s3jars") / $(rps "$floor")" | bc -l)"
echo "s3jars heap after GC ${heap_start} MiB at start of measurement"
stop "$S3JARS_PID"

echo
echo "== scale: latency as the cluster grows (node cache size, policy size)"
printf "%-34s %10s %8s %8s %8s\n" "nodes / policy" req/s p50_ms p99_ms RSS_MiB
for setup in "10 examples/policy.yaml" "1000 examples/policy.yaml" "5000 examples/policy.yaml" "5000 $WORK/policy-10000.yaml"; do
  set -- $setup
  start_s3jars "$WORK/nodes-$1.json" "$2"
  warm_up 8443 "$SCALE_WARMUP"
  result=$(load 8443 "$DURATION")
  printf "%-34s %10.0f %8.2f %8.2f %8s\n" "$1 nodes, $(basename "$2")" "$(rps "$result")" \
    "$(echo "$(field p50 "$result") / 1000" | bc -l)" "$(echo "$(field p99 "$result") / 1000" | bc -l)" "$(rss_mib "$S3JARS_PID")"
  stop "$S3JARS_PID"
done

if [ "${LONG:-0}" = 1 ]; then
  echo
  echo "== 5-minute run: memory"
  start_s3jars "$WORK/nodes-1000.json" examples/policy.yaml
  warm_up 8443 "$SCALE_WARMUP"
  before=$(heap_after_gc "$S3JARS_PID")
  result=$(load 8443 300s)
  echo "heap after GC: ${before} MiB before, $(heap_after_gc "$S3JARS_PID") MiB after; RSS $(rss_mib "$S3JARS_PID") MiB;" \
    "$(printf '%.0f' "$(rps "$result")") req/s, p99 $(echo "$(field p99 "$result") / 1000" | bc -l | xargs printf '%.2f') ms," \
    "errors $(( $(field errors "$result") + $(field non2xx "$result") ))"
  stop "$S3JARS_PID"
fi

echo
echo "== in-process mutation of the real executor pod (no HTTP)"
taskset -c "$SERVER_CPU" java -cp "target/classes:target/test-classes:$(cat "$WORK/classpath")" io.s3jars.bench.EngineMicrobenchmark

hostile_mix

echo
echo "== the most expensive reviews within 3 MiB, one request each (in process, the chart's heap settings)"
echo "   target: under 20 ms and 16 MiB allocated per request"
taskset -c "$SERVER_CPU" java $JAVA_OPTS -cp "target/classes:target/test-classes:$(cat "$WORK/classpath")" \
  io.s3jars.admission.WorstCaseBenchmark
