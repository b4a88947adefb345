#!/usr/bin/env bash
# bench/stream.sh - a pregabalin-style closed-form population of 10^7 subjects (bench/prega-pop.json,
# 150 mg every 12 h for 14 days, hourly outputs) streamed through bounded memory, its rate in
# subjects per second against a memory-bandwidth bound measured on this machine (issue 15, item 3).
#
#   bash bench/stream.sh                  N = 10^7, threads 1 and 2
#   STREAM_N=1000000 bash bench/stream.sh
#
# Bandwidth: bench/naive/triad.c (STREAM's triad, 3 x 64 MiB arrays, best of 10) on 1 and 2
# threads. Bound: a streaming population must at least produce each subject's profile and consume
# it for the mean and the percentile histograms; if that profile went through memory once (written,
# then read: 2 x 8 bytes x outputs) the machine could not exceed triad bandwidth / (16 x outputs)
# subjects per second. The measured rate is reported as a share of that bound (a share well below
# 1 means the run is limited by arithmetic, not by memory; the blocks of 256 profiles stay in cache).
# Memory: peak RSS from /usr/bin/time -v, checked below 1 GiB. Writes $OUT/stream.md and prints it;
# exit 1 if a run fails or the peak RSS reaches 1 GiB.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
GS=${GABASIM:-build/gabasim}
OUT=${BENCH_OUT:-bench/out}/stream
N=${STREAM_N:-10000000}
mkdir -p "$OUT"
[ -x "$GS" ] || {
    echo "error: $GS not found (run 'make build' first)" >&2
    exit 1
}
[ -x /usr/bin/time ] || {
    echo "error: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
}
gcc -O2 -fopenmp -std=c11 -o "$OUT/triad" bench/naive/triad.c || exit 1

FAILED=0
MD="$OUT/stream.md"
NOUT=337 # hours 0..336
{
    echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo); $("$GS" --version 2>/dev/null | head -n 1); $(date -u '+%Y-%m-%d %H:%M UTC')."
    echo ""
    echo "| threads | triad GB/s | bound, subjects/s (BW / (16 B x $NOUT outputs)) | N | wall s | CPU s (user+sys) | peak RSS MiB | subjects/s (wall) | share of bound | subjects/s per CPU second | load (1 min) before / after |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$MD"
for T in 1 2; do
    bw=0
    for r in 1 2 3; do # best of three triad runs
        b=$(OMP_NUM_THREADS=$T "$OUT/triad" | sed -n 's/^triad_GBps=\([0-9.]*\).*/\1/p')
        bw=$(awk -v a="$bw" -v b="$b" 'BEGIN { print (b > a ? b : a) }')
    done
    l0=$(cut -d' ' -f1 /proc/loadavg)
    echo "threads $T: triad ${bw} GB/s; population N=$N (load $l0) ..."
    if ! /usr/bin/time -v -o "$OUT/T$T.time" "$GS" population --drug bench/prega-pop.json --n "$N" \
        --seed 1 --dose 150mg --every 12h --days 14 --out-every 1h --threads "$T" \
        --percentiles-csv "$OUT/T$T.pct.csv" --quiet >"$OUT/T$T.log" 2>&1; then
        echo "error: gabasim failed (see $OUT/T$T.log)" >&2
        FAILED=1
        continue
    fi
    l1=$(cut -d' ' -f1 /proc/loadavg)
    awk -F': ' -v T="$T" -v bw="$bw" -v n="$N" -v nout="$NOUT" -v l0="$l0" -v l1="$l1" '
        /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident/ { rss = $2 }
        /Elapsed \(wall/ { k = split($2, a, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + a[i] }
        END {
            bound = bw * 1e9 / (16 * nout); rate = n / w
            printf "| %d | %.1f | %.3g | %d | %.2f | %.2f | %.0f | %.3g | %.3f | %.3g | %s / %s |\n",
                T, bw, bound, n, w, u + s, rss / 1024, rate, rate / bound, n / (u + s), l0, l1
            if (rss >= 1048576) exit 1
        }' "$OUT/T$T.time" >>"$MD" || {
        echo "error: peak RSS reached 1 GiB (threads $T)" >&2
        FAILED=1
    }
done
if [ -s "$OUT/T1.pct.csv" ] && [ -s "$OUT/T2.pct.csv" ] && ! cmp -s "$OUT/T1.pct.csv" "$OUT/T2.pct.csv"; then
    echo "error: the percentiles differ between 1 and 2 threads" >&2
    FAILED=1
fi
cat "$MD"
[ "$FAILED" = 0 ] && echo "stream: passed (peak RSS below 1 GiB, identical percentiles on 1 and 2 threads)"
exit "$FAILED"
