#!/usr/bin/env bash
# mpi_trial.sh - `mpirun -np R gabasim trial SPEC --replicates K` (docs/mpi.md): for R = 1, 2 and
# 4 (oversubscribed), the report, the JSON, the replicates' CSV and the power-curve plot are byte
# for byte those of one plain process, also when K is not a multiple of R and with a power curve
# (--n-grid: one gather per N). Skipped (77) without mpirun or when the build has no MPI.
# usage: bash mpi_trial.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: mpi_trial.sh PATH_TO_GABASIM}")
if [ "${GS_BUILT_WITH_MPI:-0}" != 1 ]; then
  echo "skip: this build has no MPI (CMake GS_MPI=OFF, or no libopenmpi-dev when configured)"
  exit 77
fi
if ! command -v mpirun > /dev/null; then
  echo "skip: no mpirun (Debian: apt-get install openmpi-bin)"
  exit 77
fi
. "$(dirname "$(realpath "$0")")/lib.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# the sanitizer build (make test-asan): Open MPI is not instrumented and its frames have no frame
# pointers; LeakSanitizer needs full stacks and its plugins still loaded at exit to match
# tests/lsan.supp's Open MPI lines
if [ "${GS_SANITIZED:-OFF}" = ON ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
  export OMPI_MCA_mca_base_component_disable_dlclose=1
fi
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_mpi_yield_when_idle=1 OMPI_MCA_hwloc_base_binding_policy=none
SPEC=$(dirname "$(realpath "$0")")/../../examples/clbp-gabapentin-trial.json

# run NAME NP ARGS...: report in $TMP/NAME.out, files NAME.csv, NAME.svg (NP 0: no mpirun)
run() {
  local name=$1 np=$2 pre=()
  shift 2
  [ "$np" != 0 ] && pre=(mpirun -np "$np" --oversubscribe)
  (cd "$TMP" && "${pre[@]}" "$GS" trial "$SPEC" --quiet --csv "$name.csv" "$@" > "$name.out" \
    2> "$name.err") || bad "$name exits 0" "$(head -c 300 "$TMP/$name.err")"
}

# 37 replicates (not a multiple of 2 or 4) and a power curve over two N per arm, with its plot
run curve.0 0 --replicates 37 --n-grid 30,60 --plot curve.0.svg
for np in 1 2 4; do
  run "curve.$np" $np --replicates 37 --n-grid 30,60 --plot "curve.$np.svg" --threads 1
  diff=""
  for f in out csv svg; do cmp -s "$TMP/curve.0.$f" "$TMP/curve.$np.$f" || diff="$diff $f"; done
  [ -z "$diff" ] && ok "-np $np: report, CSV and power-curve plot byte-identical" \
    || bad "-np $np" "differs:$diff"
done
grep -q '^Power: ' "$TMP/curve.0.out" && ok "the report states the power" \
  || bad "report" "$(head -c 300 "$TMP/curve.0.out")"
rows=$(($(wc -l < "$TMP/curve.0.csv") - 1))
[ "$rows" = 37 ] && ok "the CSV has one row per replicate" || bad "CSV rows" "$rows"

# JSON, 2 threads per rank
run json.0 0 --replicates 23 --json
run json.2 2 --replicates 23 --json --threads 2
cmp -s "$TMP/json.0.out" "$TMP/json.2.out" && cmp -s "$TMP/json.0.csv" "$TMP/json.2.csv" &&
  ok "-np 2 x 2 threads: JSON and CSV byte-identical" || bad "-np 2 JSON" "differs"

# fewer replicates than ranks: the ranks without any still take part
run few.0 0 --replicates 3
run few.4 4 --replicates 3
cmp -s "$TMP/few.0.out" "$TMP/few.4.out" && cmp -s "$TMP/few.0.csv" "$TMP/few.4.csv" &&
  ok "3 replicates on 4 ranks: byte-identical" || bad "3 replicates on 4 ranks" "differs"

echo "# $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
