# Shell helpers shared by the benchmark (src/bench/run.sh) and the soak (src/soak/run.sh).

# need COMMAND PACKAGE: installs the Debian package when the command is missing.
need() {
  command -v "$1" >/dev/null && return
  echo "installing $2 (Debian package) ..." >&2
  { apt-get install -y "$2" || { apt-get update && apt-get install -y "$2"; }; } >/dev/null
}

rss_mib() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

# Heap in use after a full GC, in MiB: every generation (jstat -gc: S0U S1U EU OU, in KiB). GC.heap_info's
# first "used" is the young generation only, nearly empty right after a full GC.
heap_after_gc() {
  jcmd "$1" GC.run >/dev/null
  jstat -gc "$1" | awk 'NR == 2 {printf "%.1f", ($3 + $4 + $6 + $8) / 1024}'
}

# field NAME LINE: the number after NAME= in a RESULT line.
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

# The chart's JVM options (values.yaml javaOpts) with -XX:MaxRAM at the chart's memory limit, so that
# the JVM sizes its heap as in the chart's container (MaxRAMPercentage of the limit); the machines
# that run the benchmark and the soak have no such limit.
chart_java_opts() {
  local limit
  limit=$(sed -n '/^resources:/,/^[a-zA-Z]/ s/^    memory: \([0-9]*\)Mi$/\1/p' helm/s3jars/values.yaml | tail -1)
  echo "-XX:MaxRAM=${limit}m $(sed -n 's/^javaOpts: "\(.*\)"$/\1/p' helm/s3jars/values.yaml)"
}
