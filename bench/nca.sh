#!/usr/bin/env bash
# bench/nca.sh - `gabasim nca` speed: 10^6 profiles of 12 points (target: under 2 s from file to
# result on 2 cores), written to a CSV, then read and analysed from the file (gs_nca_run) on 1 and
# on THREADS threads, the read alone timed beside it; a naive C version of the same rules
# (bench/nca/nca_bench.c, same profiles and threads, from memory) and a plain R loop
# (bench/nca/nca_loop.R, on 10^4 profiles from memory, scaled) as peers, with the ratios; PKNCA
# when installed (it is not a Debian package: skipped otherwise). Prints `uptime` with every
# figure: the machine may be shared. Needs `make build` first (build/lib/libgabasim.a).
#   bash bench/nca.sh [N] [THREADS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
N=${1:-1000000}
T=${2:-2}
OUT=${BENCH_OUT:-bench/out}
mkdir -p "$OUT"
LIB=build/lib/libgabasim.a
[ -f "$LIB" ] || { echo "bench/nca.sh: $LIB missing: run 'make build' first" >&2; exit 1; }
cc -O2 -fopenmp -D_POSIX_C_SOURCE=200809L -Iinclude -Ibuild/include bench/nca/nca_bench.c "$LIB" \
   $(pkg-config --libs gsl libcjson plplot) -lsundials_cvode -lsundials_nvecserial \
   -lsundials_sunlinsoldense -lsundials_sunmatrixdense -ldl -lm -o "$OUT/nca_bench"
echo "before: $(uptime) on $(nproc) cores"
"$OUT/nca_bench" "$N" "$T" "$OUT/nca_bench.csv" | tee "$OUT/nca_bench.txt"
rm -f "$OUT/nca_bench.csv"
echo "after:  $(uptime)"
if command -v Rscript > /dev/null; then
    RN=10000
    Rscript bench/nca/nca_loop.R "$RN" | tee "$OUT/nca_r.txt"
    awk -v n="$N" -v rn="$RN" '/^r_loop_s/ {printf "r_loop_s scaled to %d profiles: %.1f (one core)\n", n, $2 * n / rn}' "$OUT/nca_r.txt"
    # gabasim from file to result against the R loop's analysis alone (from memory), per thread count
    awk -v n="$N" -v rn="$RN" 'FNR == NR && /^r_loop_s/ {r = $2 * n / rn; next}
        /file_to_result_s/ {printf "ratio R loop (analysis only, 1 core) / gabasim file to result on %s thread(s): %.0fx\n", $2 + 0, r / $8}' \
        "$OUT/nca_r.txt" "$OUT/nca_bench.txt"
    echo "after R: $(uptime)"
    if Rscript -e 'quit(status = !requireNamespace("PKNCA", quietly = TRUE))' 2> /dev/null; then
        echo "PKNCA is installed: compare with it by hand (not scripted here)"
    else
        echo "PKNCA not installed: not compared"
    fi
fi
