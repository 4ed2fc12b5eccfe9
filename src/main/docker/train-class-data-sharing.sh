#!/usr/bin/env bash
# Writes a class-data sharing archive for s3jars: the classes one start loads, dumped when the JVM
# exits. Starting from the archive skips reading, parsing and verifying them: about 0.4 s of a
# 1.7 s start on two cores. An archive works only with the JVM that wrote it and the same jar
# paths, so the image build runs this with the image's own JVM, and the benchmark runs it too.
#
#   train-class-data-sharing.sh JAR ARCHIVE [JVM OPTION...]
#
# Needs only bash and java: the start uses a built-in policy and a self-signed certificate, no
# cluster, and readiness is polled over bash's /dev/tcp on QUARKUS_MANAGEMENT_PORT (9000).
set -euo pipefail
jar=$1 archive=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/policy.yaml" <<'POLICY'
apiVersion: s3jars.io/v1alpha1
kind: S3JarsPolicy
defaults:
  sidecar:
    image: mount-s3:training
buckets:
  - name: training-jars
    region: us-west-2
bindings:
  - name: training
    namespaces: [training]
    buckets: [training-jars]
POLICY

ready() {
  exec 3<>"/dev/tcp/127.0.0.1/${QUARKUS_MANAGEMENT_PORT:-9000}" || return 1
  printf 'GET /q/health/ready HTTP/1.0\r\n\r\n' >&3
  local status
  read -r -t 2 _ status _ <&3 || true
  exec 3>&-
  [ "$status" = 200 ]
}

rm -f "$archive"
S3JARS_POLICY_FILE=$work/policy.yaml TMPDIR=$work java "$@" -Djava.io.tmpdir="$work" \
  -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -jar "$jar" >"$work/training.log" 2>&1 &
pid=$!
for _ in $(seq 600); do
  ready 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { tail -n 40 "$work/training.log"; echo "s3jars exited during training" >&2; exit 1; }
  sleep 0.1
done
ready 2>/dev/null || { tail -n 40 "$work/training.log"; echo "s3jars not ready after 60 s" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
[ -s "$archive" ] || { tail -n 40 "$work/training.log"; echo "no archive written to $archive" >&2; exit 1; }
echo "class-data sharing archive: $archive ($(( $(stat -c %s "$archive") / 1048576 )) MiB)"
