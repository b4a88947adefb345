#!/usr/bin/env bash
# stdout_env.sh - issue 17 items 3 and 5: a failed write to standard output is an error for every
# command (exit 1, one "gabasim: error" line), tested on a full device made in a scratch
# directory (mknod c 1 7, like /dev/full; never the system's); and an environment asking OpenMP
# for 100000 threads neither crashes nor changes results (the thread count is capped at 256), and
# threads that cannot be created give one error line.
# usage: bash stdout_env.sh GABASIM
set -u
GS=$(realpath "${1:?usage: stdout_env.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
# under LeakSanitizer (make test-asan) the suppressions' statistics would add lines to stderr
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
SPEC=$ROOT/examples/clbp-gabapentin-trial.json
cd "$TMP" || exit 2 # demo writes its plot into the working directory
printf 'study,a1,n1,a2,n2\nA,3,10,5,10\nB,4,12,6,11\n' > "$TMP/t.csv"

if mknod "$TMP/full" c 1 7 2> /dev/null && ! echo x > "$TMP/full" 2> /dev/null; then
  full() { # description, args...: exit 1 and one error line when stdout is full
    local desc=$1
    shift
    "$GS" "$@" > "$TMP/full" 2> "$TMP/err.txt"
    local rc=$?
    if [ $rc != 1 ]; then bad "$desc" "exit $rc"
    elif [ "$(wc -l < "$TMP/err.txt")" != 1 ] || ! grep -q '^gabasim: error: ' "$TMP/err.txt"; then
      bad "$desc" "stderr: $(cat "$TMP/err.txt")"
    else ok "$desc"; fi
  }
  full "--version to a full device" --version
  full "help to a full device" help
  full "help simulate to a full device" help simulate
  full "simulate --help to a full device" simulate --help
  full "drugs to a full device" drugs
  full "drugs NAME to a full device" drugs gabapentin
  full "demo to a full device" demo
  full "simulate --json to a full device" simulate --drug gabapentin --dose 300mg --every 8h --days 1 --json
  full "population to a full device" population --drug gabapentin --n 20 --dose 300mg --every 8h --days 1
  full "advise to a full device" advise --drug gabapentin --crcl 60 --n 10
  full "trial to a full device" trial "$SPEC"
  full "meta to a full device" meta "$TMP/t.csv"
else
  echo "no full device could be made here (mknod needs root): the full-device checks are skipped"
fi

# OMP_NUM_THREADS=100000: libgomp used to crash creating the threads; results do not change.
pop() { "$GS" population --drug gabapentin --n 40 --dose 300mg --every 8h --days 1 --json "$@"; }
pop > "$TMP/p1.json" 2> "$TMP/p1.err" || bad "population, default threads" "$(cat "$TMP/p1.err")"
OMP_NUM_THREADS=100000 timeout 120 "$GS" population --drug gabapentin --n 40 --dose 300mg \
  --every 8h --days 1 --json > "$TMP/p2.json" 2> "$TMP/p2.err"
rc=$?
if [ $rc != 0 ]; then bad "population with OMP_NUM_THREADS=100000" "exit $rc: $(head -2 "$TMP/p2.err")"
elif ! python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); a.pop("elapsed_s",None); b.pop("elapsed_s",None); sys.exit(a["subjects"]!=b["subjects"])' "$TMP/p1.json" "$TMP/p2.json"; then
  bad "population with OMP_NUM_THREADS=100000" "results differ"
else ok "population with OMP_NUM_THREADS=100000: runs, same results"; fi
OMP_NUM_THREADS=100000 timeout 120 "$GS" trial "$SPEC" --replicates 8 > "$TMP/t.txt" 2> "$TMP/t.err" &&
  ok "trial replicates with OMP_NUM_THREADS=100000" || bad "trial replicates with OMP_NUM_THREADS=100000" "$(head -2 "$TMP/t.err")"
OMP_NUM_THREADS=100000 timeout 120 "$GS" population --drug pregabalin \
  --data "$ROOT/examples/nonmem-pregabalin.csv" > "$TMP/d.csv" 2> "$TMP/d.err" &&
  ok "population --data with OMP_NUM_THREADS=100000" || bad "population --data with OMP_NUM_THREADS=100000" "$(head -2 "$TMP/d.err")"

# Threads that cannot be created (a stack larger than the address space: 1000000G is about 2^50
# bytes, beyond x86-64's 47-bit user space, so no kernel setting lets it succeed): libgomp used to
# end the process with its own "libgomp: Thread creation failed" line. Now one gabasim error
# line, exit 1, no file or temporary left; one thread needs no new thread and runs.
no_threads() { # description, args...: run in an empty directory
  local desc=$1 d="$TMP/threads"
  shift
  rm -rf "$d" && mkdir "$d"
  (cd "$d" && OMP_NUM_THREADS=2 OMP_STACKSIZE=1000000G "$GS" "$@" > "$TMP/nt.out" 2> "$TMP/nt.err")
  local rc=$?
  if [ $rc != 1 ]; then bad "$desc" "exit $rc: $(head -2 "$TMP/nt.err")"
  elif [ "$(wc -l < "$TMP/nt.err")" != 1 ] || ! grep -q '^gabasim: error: cannot start 2 threads' "$TMP/nt.err"; then
    bad "$desc" "stderr: $(cat "$TMP/nt.err")"
  elif [ -n "$(ls -A "$d")" ]; then bad "$desc" "left: $(ls -A "$d")"
  else ok "$desc"; fi
}
no_threads "population: thread creation failure is one error line" population --drug gabapentin \
  --n 40 --dose 300mg --every 8h --days 2 --threads 2 --summary-csv s.csv --percentiles-csv p.csv
no_threads "trial replicates: thread creation failure is one error line" trial "$SPEC" \
  --replicates 4 --threads 2 --csv r.csv
no_threads "population --data: thread creation failure is one error line" population \
  --drug pregabalin --data "$ROOT/examples/nonmem-pregabalin.csv" --out o.csv --threads 2
no_threads "advise (OMP_NUM_THREADS=2): thread creation failure is one error line" advise \
  --drug gabapentin --crcl 60 --html a.html
OMP_STACKSIZE=1000000G "$GS" population --drug gabapentin --n 40 --dose 300mg --every 8h --days 2 \
  --threads 1 > "$TMP/one.txt" 2> "$TMP/one.err" &&
  ok "one thread runs whatever OMP_STACKSIZE says" || bad "one thread runs whatever OMP_STACKSIZE says" "$(head -2 "$TMP/one.err")"
finish
