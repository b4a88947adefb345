#!/usr/bin/env bash
# bench/trial_reps.sh - how long 1000 replicates of the published design take (issue 11 item 4:
# the target is under 5 s on 2 cores): `gabasim trial examples/clbp-gabapentin-trial.json
# --replicates R` with each analysis (the file's random-intercept model, MMRM with Kenward-Roger
# (the default) and with Satterthwaite's df (mmrm-satt), ANCOVA with LOCF; the analysis is swapped
# in a copy of the file) on 1 thread and on 2, alternating, median of
# BENCH_REPS runs (default 3). The machine's load average is printed first: on a busy machine the
# 2-thread figures mean little. Replicates are identical for any thread count (tests/cli/trial.sh),
# so the outputs of 1 and 2 threads are also compared here.
#
#   bash bench/trial_reps.sh [BUILD_DIR]       (default build; `make build` first)
#   REPLICATES=200 BENCH_REPS=1 bash bench/trial_reps.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GS=$(realpath "${1:-$ROOT/build}")/gabasim
R=${REPLICATES:-1000}
N=${BENCH_REPS:-3}
[ -x "$GS" ] || { echo "trial_reps.sh: $GS not found: run make build first" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $R replicates; median of $N"
printf '%-10s %10s %10s %8s\n' analysis "1 thread" "2 threads" speedup
for m in mixed mmrm mmrm-satt ancova; do
    spec=$TMP/$m.json
    python3 - "$ROOT/examples/clbp-gabapentin-trial.json" "$spec" "$m" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["analysis"]["method"] = sys.argv[3].split("-")[0]
if sys.argv[3] == "mmrm-satt":
    d["analysis"]["df"] = "satterthwaite"
if sys.argv[3] == "ancova":
    d["analysis"]["imputation"] = "locf"
json.dump(d, open(sys.argv[2], "w"))
PY
    t1=() t2=()
    for ((i = 0; i < N; i++)); do
        for th in 1 2; do
            s=$(date +%s%N)
            "$GS" trial "$spec" --replicates "$R" --threads $th --quiet --json > "$TMP/$m.$th.json" ||
                { echo "trial_reps.sh: $m failed" >&2; exit 1; }
            e=$(date +%s%N)
            d=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
            if [ $th = 1 ]; then t1+=("$d"); else t2+=("$d"); fi
        done
    done
    cmp -s "$TMP/$m.1.json" "$TMP/$m.2.json" || echo "  $m: 1 and 2 threads differ!"
    m1=$(printf '%s\n' "${t1[@]}" | sort -n | sed -n "$(((N + 1) / 2))p")
    m2=$(printf '%s\n' "${t2[@]}" | sort -n | sed -n "$(((N + 1) / 2))p")
    awk -v m="$m" -v a="$m1" -v b="$m2" 'BEGIN { printf "%-10s %9.2fs %9.2fs %7.2fx\n", m, a, b, a / b }'
done
