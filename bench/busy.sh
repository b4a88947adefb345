#!/usr/bin/env bash
# busy.sh - the population benchmark beside competing CPU-bound work (issue 15 item 1).
#
# usage: bash bench/busy.sh [BUILD_DIR] [N] [ROUNDS]      (defaults: build, 100000, 3)
#
# For 0, 1 and 2 busy loops (shell loops that never sleep, one core each) it times
# `gabasim population --n N` on 1 and 2 threads, with the tool's default waiting (passive, set
# by src/cli/main.c) and with OMP_WAIT_POLICY=active (libgomp's spinning, the old behaviour),
# and prints the median wall time of ROUNDS runs and the ratio 1 thread / 2 threads
# (above 1: the second thread helped). The load average before each set is printed: on a
# machine that is already busy the figures mean less. Writes only to a temporary directory.
set -euo pipefail
BUILD=${1:-build}
N=${2:-100000}
ROUNDS=${3:-3}
GS=$BUILD/gabasim
[ -x "$GS" ] || { echo "busy.sh: no $GS; build first (make build)" >&2; exit 2; }
TMP=$(mktemp -d)
BUSY=()
cleanup() { for p in "${BUSY[@]:-}"; do [ -n "$p" ] && kill "$p" 2> /dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT
run() { # $1: wait policy (passive|active) $2: threads -> median wall seconds
  local pol=$1 t=$2 i
  for ((i = 0; i < ROUNDS; i++)); do
    if [ "$pol" = active ]; then
      /usr/bin/env time -f %e -o "$TMP/t" env OMP_WAIT_POLICY=active "$GS" population --drug gabapentin \
        --n "$N" --dose 300mg --every 8h --days 3 --threads "$t" --quiet > /dev/null
    else
      /usr/bin/env time -f %e -o "$TMP/t" "$GS" population --drug gabapentin \
        --n "$N" --dose 300mg --every 8h --days 3 --threads "$t" --quiet > /dev/null
    fi
    cat "$TMP/t"
  done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
command -v time > /dev/null 2>&1 || [ -x /usr/bin/time ] || { echo "busy.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
printf '%-6s %-8s %10s %10s %8s   %s\n' busy waiting "1 thread" "2 threads" "1/2" "load before"
for nbusy in 0 1 2; do
  while [ ${#BUSY[@]} -lt "$nbusy" ]; do
    bash -c 'while :; do :; done' &
    BUSY+=($!)
  done
  sleep 1
  for pol in passive active; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    t1=$(run "$pol" 1)
    t2=$(run "$pol" 2)
    printf '%-6s %-8s %9ss %9ss %8.2f   %s\n' "$nbusy" "$pol" "$t1" "$t2" "$(awk -v a="$t1" -v b="$t2" 'BEGIN {print a / b}')" "$load"
  done
done
