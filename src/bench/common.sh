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
