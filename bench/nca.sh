#!/usr/bin/env bash
# bench/nca.sh - `gabasim nca` speed: 10^6 profiles of 12 points on 2 threads (target under 2 s for
# the analysis), beside a naive C version of the same rules (bench/nca/nca_bench.c, same data and
# threads) and a plain R loop (bench/nca/nca_loop.R, on 10^4 profiles, scaled); PKNCA when
# installed (it is not a Debian package: skipped otherwise). Prints the load average with every
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
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
"$OUT/nca_bench" "$N" "$T" "$OUT/nca_bench.csv" | tee "$OUT/nca_bench.txt"
rm -f "$OUT/nca_bench.csv"
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v Rscript > /dev/null; then
    RN=10000
    Rscript bench/nca/nca_loop.R "$RN" | tee "$OUT/nca_r.txt"
    awk -v n="$N" -v rn="$RN" '/^r_loop_s/ {printf "r_loop_s scaled to %d profiles: %.1f (one core)\n", n, $2 * n / rn}' "$OUT/nca_r.txt"
    if Rscript -e 'quit(status = !requireNamespace("PKNCA", quietly = TRUE))' 2> /dev/null; then
        echo "PKNCA is installed: compare with it by hand (not scripted here)"
    else
        echo "PKNCA not installed: not compared"
    fi
fi
