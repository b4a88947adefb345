#!/usr/bin/env bash
# bench/tdm_jac.sh - the TDM MAP fit (gs_tdm_estimate, no importance sampling) with exact
# derivatives (forward sensitivities, the default) and with the previous finite differences
# (GABASIM_TDM_DERIVATIVES=fd), in the same run: best wall-clock of REPS fits, the predictions
# made (a sensitivity solve counts as one) and the iterations, for pregabalin (closed form),
# gabapentin (ODE; also from steady state) and gabapentin with its model file's structure
# (bytecode Jacobian), and a dataset of gabapentin subjects (`population --data`). Also prints
# the MAP eta and Laplace SDs of both paths (they must agree: tests/validation/test_tdm_jac.c).
#   usage: bench/tdm_jac.sh [BUILD_DIR]     env: REPS (default 20)
set -eu
BUILD=${1:-build}
REPS=${REPS:-20}
cd "$(dirname "$0")/.."
[ -f "$BUILD/lib/libgabasim.so" ] || { echo "tdm_jac.sh: no $BUILD/lib/libgabasim.so (build first)" >&2; exit 2; }
BIN=$(mktemp)
trap 'rm -f "$BIN"' EXIT
cc -O2 -Iinclude -I"$BUILD/include" bench/tdm_jac.c -L"$BUILD/lib" -lgabasim \
   -Wl,-rpath,"$PWD/$BUILD/lib" -lm -o "$BIN"
uptime
run() { # label, then the driver's arguments
    local label=$1; shift
    for path in exact fd; do
        if [ $path = fd ]; then export GABASIM_TDM_DERIVATIVES=fd; else unset GABASIM_TDM_DERIVATIVES; fi
        printf '%-28s %-6s ' "$label" "$path"
        "$BIN" "$@"
    done
    unset GABASIM_TDM_DERIVATIVES
}
# pregabalin 150 mg every 12 h at CrCl 60, levels 2 h apart after the sixth dose
run "pregabalin (closed form)" pregabalin 60 150 12 6 "$REPS" 62:4.1 66:5.5
# gabapentin 300 mg every 8 h at CrCl 35, levels after the seventh dose
run "gabapentin (ODE)" gabapentin 35 300 8 7 "$REPS" 50:4.0 54:6.0
run "gabapentin (model file)" gabapentin+gabapentin 35 300 8 7 "$REPS" 50:4.0 54:6.0
# the same from steady state (the first dose SS 1)
STEADY=1 run "gabapentin (ODE), SS start" gabapentin 35 300 8 7 "$REPS" 50:4.0 54:6.0
# four levels over two intervals
run "gabapentin (ODE), 4 levels" gabapentin 35 300 8 7 "$REPS" 42:5.1 46:6.3 50:4.0 54:6.0
# the dataset path (gs_tdm_estimate_events): 20 gabapentin subjects with two DV each, IPRED by
# `population --data`, CPU seconds of the whole command, and the largest IPRED difference
DS=$(mktemp -d)
trap 'rm -f "$BIN"; rm -rf "$DS"' EXIT
awk 'BEGIN { print "ID,TIME,AMT,EVID,CMT,II,ADDL,DV,MDV,CRCL";
    for (i = 1; i <= 20; i++) { print i ",0,300,1,1,8,6,.,1,35";
        printf "%d,50,.,0,2,.,.,%.2f,0,35\n", i, 3 + 0.1 * i;
        printf "%d,54,.,0,2,.,.,%.2f,0,35\n", i, 5 + 0.07 * i } }' >"$DS/in.csv"
for path in exact fd; do
    if [ $path = fd ]; then export GABASIM_TDM_DERIVATIVES=fd; else unset GABASIM_TDM_DERIVATIVES; fi
    TIMEFORMAT="dataset, 20 gabapentin subjects $path: %R s wall, %U s user"
    time "$BUILD/gabasim" population --drug gabapentin --data "$DS/in.csv" --out "$DS/$path.csv" \
        --threads 1 --seed 1
done
unset GABASIM_TDM_DERIVATIVES
awk -F, 'NR == FNR { if (FNR > 1) a[FNR] = $12; next }
         FNR > 1 && $12 != "." { d = ($12 - a[FNR]) / $12; d = d < 0 ? -d : d; if (d > m) m = d }
         END { printf "dataset: largest relative IPRED difference %.2g\n", m }' "$DS/exact.csv" "$DS/fd.csv"
uptime
