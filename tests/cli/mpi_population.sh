#!/usr/bin/env bash
# mpi_population.sh - `mpirun -np R gabasim population` (docs/mpi.md): for R = 1, 2 and 4
# (oversubscribed on a small machine) and 1 or 2 threads per rank, standard output and every
# output file are byte for byte those of one plain process (no mpirun): the batched ODE path with
# drawn covariates and exact percentiles, the closed form above the exact limit (histogram
# percentiles), and a covariate table with a time-varying covariate (one subject at a time).
# Skipped (77) without mpirun or when the build has no MPI (CMake sets GS_BUILT_WITH_MPI).
# usage: bash mpi_population.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: mpi_population.sh PATH_TO_GABASIM}")
if [ "${GS_BUILT_WITH_MPI:-0}" != 1 ]; then
  echo "skip: this build has no MPI (CMake GS_MPI=OFF, or no libopenmpi-dev when configured)"
  exit 77
fi
if ! command -v mpirun > /dev/null; then
  echo "skip: no mpirun (Debian: apt-get install openmpi-bin)"
  exit 77
fi
. "$(dirname "$(realpath "$0")")/lib.sh"
# the tests run as root in CI containers; Open MPI refuses root without these
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# the sanitizer build (make test-asan): Open MPI is not instrumented and its frames have no frame
# pointers; LeakSanitizer needs full stacks and its plugins still loaded at exit to match
# tests/lsan.supp's Open MPI lines
if [ "${GS_SANITIZED:-OFF}" = ON ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
  export OMPI_MCA_mca_base_component_disable_dlclose=1
fi
# no network interfaces needed between local ranks; quiet about missing ones
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
# ranks waiting in a gather yield the core (oversubscribed: 4 ranks on 2 cores)
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_hwloc_base_binding_policy=none

# run NAME NP THREADS ARGS...: outputs in $TMP/NAME.* (NP 0: plain process, no mpirun)
run() {
  local name=$1 np=$2 th=$3
  shift 3
  local pre=()
  [ "$np" != 0 ] && pre=(mpirun -np "$np" --oversubscribe)
  (cd "$TMP" && "${pre[@]}" "$GS" population "$@" --threads "$th" --quiet \
    --percentiles-csv "$name.p.csv" --summary-csv "$name.s.csv" --params-csv "$name.q.csv" \
    --summary-json "$name.j.json" > "$name.out" 2> "$name.err")
  echo $? > "$TMP/$name.rc"
}

# same CASE NAME: every output of run NAME equals the plain run's (CASE.0.1)
same() {
  local base=$1 name=$2 f diff=""
  [ "$(cat "$TMP/$name.rc")" = 0 ] || { bad "$name exits 0" "$(head -c 300 "$TMP/$name.err")"; return; }
  for f in out p.csv s.csv q.csv j.json; do
    cmp -s "$TMP/$base.$f" "$TMP/$name.$f" || diff="$diff $f"
  done
  [ -z "$diff" ] && ok "$name: stdout and files byte-identical to one process" \
    || bad "$name: byte identity" "differs:$diff"
}

# the text report's one wall-clock line differs between any two runs: JSON on stdout (no time)
POP=(--drug gabapentin --n 2500 --seed 11 --covariates clbp-atkinson2016 --dose 300mg
  --every 8h --days 3 --threshold 2mg/L --percentiles 2.5,97.5 --json)
run ode.0.1 0 1 "${POP[@]}"
for np in 1 2 4; do
  run "ode.$np.1" $np 1 "${POP[@]}"
  same ode.0.1 "ode.$np.1"
done
run ode.2.2 2 2 "${POP[@]}"
same ode.0.1 ode.2.2
grep -q '"percentiles_exact":	true' "$TMP/ode.0.1.out" && ok "ODE case: exact percentiles" \
  || bad "ODE case" "expected exact percentiles"

# closed form above GS_POP_EXACT_MAX (2^25 values): 200001 subjects x 169 times, histogram
# percentiles; 3 ranks (blocks not a multiple of the ranks); per-subject files left out (size)
HIST=(--drug pregabalin --n 200001 --seed 3 --dose 150mg --every 12h --days 7 --threshold 2mg/L
  --json)
hist() {
  local name=$1 np=$2 pre=()
  [ "$np" != 0 ] && pre=(mpirun -np "$np" --oversubscribe)
  (cd "$TMP" && "${pre[@]}" "$GS" population "${HIST[@]}" --threads 1 --quiet \
    --percentiles-csv "$name.p.csv" > "$name.out" 2> "$name.err") || bad "$name exits 0" "$(head -c 300 "$TMP/$name.err")"
}
if [ "${GS_SANITIZED:-OFF}" = ON ]; then
  echo "skip - histogram case in the sanitizer build (200001 subjects take minutes there)"
else
hist hist.0 0
grep -q '"percentiles_exact":	false' "$TMP/hist.0.out" && ok "closed-form case: histogram percentiles" \
  || bad "closed-form case" "expected histogram percentiles"
for np in 3; do
  hist "hist.$np" $np
  cmp -s "$TMP/hist.0.out" "$TMP/hist.$np.out" && cmp -s "$TMP/hist.0.p.csv" "$TMP/hist.$np.p.csv" \
    && ok "histogram percentiles, -np $np: stdout and CSV byte-identical" \
    || bad "histogram percentiles, -np $np" "differ"
done
fi

# a covariate table, one subject's weight changing on day 2 (one subject at a time, CVODE-free
# general path); 7 table subjects for 40 simulated ones
cat > "$TMP/table.csv" << 'CSV'
ID,TIME,AGE,SEX,WT,HT,SCR
1,0,45,0,70,175,0.9
2,0,62,1,58,160,1.4
2,24,62,1,52,160,1.4
3,0,30,0,95,182,0.8
4,0,78,1,61,158,2.1
5,0,55,0,80,178,1.1
6,0,41,1,66,168,0.7
7,0,69,0,88,172,1.6
CSV
TAB=(--drug gabapentin --n 40 --seed 5 --covariates table.csv --dose 300mg --every 8h --days 3
  --json)
run tab.0.1 0 1 "${TAB[@]}"
for np in 2 4; do
  run "tab.$np.1" $np 1 "${TAB[@]}"
  same tab.0.1 "tab.$np.1"
done

# text stdout: the same but for the line with the wall-clock time
T=(--drug pregabalin --n 500 --dose 75mg --every 12h --days 2 --quiet)
"$GS" population "${T[@]}" | grep -v '^simulated in ' > "$TMP/text.0" &&
  mpirun -np 2 --oversubscribe "$GS" population "${T[@]}" | grep -v '^simulated in ' > "$TMP/text.2" &&
  cmp -s "$TMP/text.0" "$TMP/text.2" && ok "text report, -np 2: identical but for the elapsed time" \
  || bad "text report, -np 2" "$(diff "$TMP/text.0" "$TMP/text.2" | head -5)"

# rank 0 alone writes: the directory holds the outputs and nothing else (no temporaries)
left=$(ls -A "$TMP" | grep -v -e '\.out$' -e '\.err$' -e '\.rc$' -e '\.csv$' -e '\.json$' -e '^text\.')
[ -z "$left" ] && ok "no stray files after the MPI runs" || bad "stray files" "$left"

# a usage error under mpirun: exit 2, nothing on stdout, no file
(cd "$TMP" && mkdir -p bad && cd bad && mpirun -np 2 --oversubscribe "$GS" population \
  --drug gabapentin --n 0 --dose 300mg --every 8h --days 1 --summary-csv s.csv > out 2> err)
rc=$?
[ $rc = 2 ] && [ ! -s "$TMP/bad/out" ] && [ ! -e "$TMP/bad/s.csv" ] &&
  grep -q "gabasim: error: .*--n" "$TMP/bad/err" && ok "usage error under mpirun: exit 2, no output" \
  || bad "usage error under mpirun" "exit $rc, $(head -c 300 "$TMP/bad/err")"

echo "# $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
