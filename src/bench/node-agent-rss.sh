#!/usr/bin/env bash
# Resident set of a real `s3jars node-agent` process with the chart's JVM options, against fabric8's
# mock API server over HTTPS (trusted through KUBERNETES_CERTS_CA_FILE): the agent watches its node
# and, as the chart's does, the policy ConfigMap, which holds examples/policies/multi-team.yaml (two buckets
# for this node: spark-jars-bucket and shared.libs), checks each mount and patches the node every
# second. manageMount=false, so no mount-s3 runs: its memory is its own, outside the JVM.
#
#   src/bench/node-agent-rss.sh                 # 120 s
#   SECONDS_TO_RUN=600 src/bench/node-agent-rss.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${SECONDS_TO_RUN:-120}
# The chart's nodeAgent.javaOpts, after the log manager flag as its template puts them, and the
# image's environment.
AGENT_OPTS="${AGENT_OPTS:--Djava.util.logging.manager=org.jboss.logmanager.LogManager $(sed -n 's/^  javaOpts: "\(.*\)"$/\1/p' helm/s3jars/values.yaml)}"
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
WORK=$(mktemp -d /tmp/s3jars-agent-rss.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done' EXIT
. src/bench/common.sh

JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || mvn -B -q -ntp package -DskipTests
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.outputFile="$WORK/classpath" >"$WORK/mvn.log" 2>&1 \
  || { cat "$WORK/mvn.log"; exit 1; }
java -cp "target/test-classes:$(cat "$WORK/classpath")" io.s3jars.bench.MockApiServer --policy examples/policies/multi-team.yaml node-1 >"$WORK/api.log" 2>&1 &
PIDS+=("$!")
until grep -qs '^http' "$WORK/api.log"; do sleep 0.1; done
API=$(grep '^http' "$WORK/api.log")
API_CA=$(sed -n 's/^ca //p' "$WORK/api.log")

start=$(date +%s%N)
NODE_NAME=node-1 S3JARS_NAMESPACE=s3jars-system S3JARS_NODE_AGENT_MANAGE_MOUNT=false \
  S3JARS_NODE_AGENT_INTERVAL_SECONDS=1 S3JARS_NODE_AGENT_PORT=19000 KUBERNETES_MASTER="$API" KUBERNETES_CERTS_CA_FILE="$API_CA" \
  java $AGENT_OPTS ${AGENT_LAUNCH:--jar $JAR} node-agent >"$WORK/agent.log" 2>&1 &
AGENT=$!
PIDS+=("$AGENT")
until curl -sf localhost:19000/q/health/ready >/dev/null 2>&1; do
  kill -0 "$AGENT" 2>/dev/null || { cat "$WORK/agent.log"; exit 1; }
  sleep 0.05
done
echo "== s3jars node-agent, chart JVM options, $SECONDS_TO_RUN s, a round every second"
echo "ready in $(( ($(date +%s%N) - start) / 1000000 )) ms; RSS $(rss_mib "$AGENT") MiB"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
cpu_at_ready=$(cpu_ticks "$AGENT")
max=0
for ((t = 10; t <= SECONDS_TO_RUN; t += 10)); do
  sleep 10
  rss=$(rss_mib "$AGENT")
  max=$(echo "if ($rss > $max) $rss else $max" | bc)
done
echo "RSS after $SECONDS_TO_RUN s: $(rss_mib "$AGENT") MiB, highest sample $max MiB; heap after GC $(heap_after_gc "$AGENT") MiB"
echo "CPU after ready: $(echo "scale=2; ($(cpu_ticks "$AGENT") - $cpu_at_ready) / $(getconf CLK_TCK)" | bc) s in $SECONDS_TO_RUN s"
echo "threads: $(ls /proc/$AGENT/task | wc -l); classes loaded: $(jcmd "$AGENT" VM.classloader_stats | awk '/^Total/ {print $4}')"
if [[ "$AGENT_OPTS" == *NativeMemoryTracking* ]]; then
  jcmd "$AGENT" VM.native_memory summary | grep -E "^-|Total" 
  jcmd "$AGENT" VM.classloader_stats | tail -3
fi
curl -sf localhost:19000/q/metrics | grep '^s3jars_node_mount_live'
echo "agent log lines: $(wc -l <"$WORK/agent.log")"
kill -TERM "$AGENT"; wait "$AGENT" 2>/dev/null || true
echo "exit after SIGTERM; last lines:"; tail -3 "$WORK/agent.log"
