#!/usr/bin/env bash
# bench/model_file.sh - gaba-pop (bench/gaba-pop.json) with the built-in structure
# (oral_1cmt_mm_absorption) and with the same structure written as a model file
# (data/models/gabapentin.model, bytecode evaluated 32 subjects per instruction), in the same run.
# Passes when the model file takes at most 1.5x the built-in's time (best of REPS runs each,
# interleaved) and every percentile agrees within 1e-5 relative (plus 1e-9 mg/L absolute).
#   usage: bench/model_file.sh [BUILD_DIR]     env: N (default 10000), REPS (3), THREADS (1)
set -u
BUILD=${1:-build}
GS="$BUILD/gabasim"
N=${N:-10000}
REPS=${REPS:-3}
THREADS=${THREADS:-1}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
[ -x "$GS" ] || { echo "model_file.sh: no $GS (build first)" >&2; exit 2; }
cd "$(dirname "$0")/.." || exit 2
ARGS=(population --drug bench/gaba-pop.json --n "$N" --seed 1 --dose 300mg --every 8h --doses 42
      --until 336h --out-every 1h --rtol 1e-6 --atol 1e-9 --threads "$THREADS" --quiet)
run() { # $1 label, rest: extra args; prints wall-clock and CPU (user + system) seconds
    local label=$1; shift
    local TIMEFORMAT='%R %U %S' t
    t=$( { time "$GS" "${ARGS[@]}" --percentiles-csv "$OUT/$label.csv" "$@" \
               >"$OUT/$label.log" 2>&1; } 2>&1 ) || {
        echo "model_file.sh: $label run failed:" >&2; cat "$OUT/$label.log" >&2; exit 1; }
    set -- $t
    echo "$1 $(echo "$2 + $3" | bc -l)"
}
min() { echo "if ($1 < $2) $1 else $2" | bc -l; }
best_b=999999 best_m=999999 cpu_b=999999 cpu_m=999999
echo "load before: $(uptime)"
for r in $(seq 1 "$REPS"); do
    read -r b bc_ < <(run builtin)
    read -r m mc_ < <(run model --model data/models/gabapentin.model)
    printf 'rep %d: built-in %.3f s (CPU %.3f s), model file %.3f s (CPU %.3f s)\n' \
        "$r" "$b" "$bc_" "$m" "$mc_"
    best_b=$(min "$b" "$best_b") best_m=$(min "$m" "$best_m")
    cpu_b=$(min "$bc_" "$cpu_b") cpu_m=$(min "$mc_" "$cpu_m")
done
echo "load after:  $(uptime)"
ratio=$(echo "$best_m / $best_b" | bc -l)
printf 'gaba-pop N=%s threads=%s: built-in %.3f s, model file %.3f s, ratio %.3f (limit 1.5)\n' \
    "$N" "$THREADS" "$best_b" "$best_m" "$ratio"
# CPU time is less disturbed by other processes on a shared machine (shown, not the criterion)
printf 'CPU time (user + system, best of %s): built-in %.3f s, model file %.3f s, ratio %.3f\n' \
    "$REPS" "$cpu_b" "$cpu_m" "$(echo "$cpu_m / $cpu_b" | bc -l)"
python3 - "$OUT/builtin.csv" "$OUT/model.csv" <<'PY' || exit 1
import csv, sys
a = list(csv.reader(open(sys.argv[1]))); b = list(csv.reader(open(sys.argv[2])))
assert len(a) == len(b) and a[0] == b[0], "different shapes or headers"
worst = 0.0
for ra, rb in zip(a[1:], b[1:]):
    for x, y in zip(ra, rb):
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            assert x == y, (x, y); continue
        worst = max(worst, abs(fx - fy) / max(abs(fx), 1e-4))
        assert abs(fx - fy) <= 1e-5 * abs(fx) + 1e-9, (ra[0], x, y)
print(f"percentiles: {len(a) - 1} rows agree; largest relative difference {worst:.2e} (limit 1e-5)")
PY
ok=$(echo "$ratio <= 1.5" | bc -l)
[ "$ok" = 1 ] || { echo "model_file.sh: model file slower than 1.5x the built-in" >&2; exit 1; }
