#!/usr/bin/env bash
# bench/allvar.sh - gaba-pop with log-normal variability on all five parameters (CL, V, Vmax,
# Km, ktr: bench/gaba-pop-allvar.json) against the plain scalar Dormand-Prince (bench/naive/dp5.c)
# on the same subjects, in the same rounds; accuracy against a tight-tolerance run; optionally a
# perf profile of where gabasim's time goes (issue 15, item 3; bench/README.md).
#
#   bash bench/allvar.sh                    N = 10000 and 100000, 3 rounds
#   ALLVAR_N="10000" ALLVAR_ROUNDS=5 bash bench/allvar.sh
#   ALLVAR_PERF=1 bash bench/allvar.sh      also perf-profile gabasim at the largest N, 1 thread
#
# Each round runs gabasim --threads 1, gabasim --threads 2 and dp5 one after the other, with
# /proc/loadavg read before each: the machine may be shared, so the figures are reported with
# the load they were taken under and the three tools always share a round. gabasim is timed end
# to end (process: drawing, integration, percentiles, CSV writing), dp5 around its simulation
# loop only (as in bench/run.sh); CPU seconds (user + sys, /usr/bin/time) are reported too.
# Writes $OUT/allvar.md (default bench/out/allvar/) and prints it. Exit 1 if a tool fails or an
# accuracy check (1e-5 relative, hours 1-336) fails.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
GS=${GABASIM:-build/gabasim}
OUT=${BENCH_OUT:-bench/out}/allvar
NS=${ALLVAR_N:-"10000 100000"}
ROUNDS=${ALLVAR_ROUNDS:-3}
DRUG=bench/gaba-pop-allvar.json
PY=/usr/bin/python3
mkdir -p "$OUT"
[ -x "$GS" ] || {
    echo "error: $GS not found (run 'make build' first)" >&2
    exit 1
}
[ -x /usr/bin/time ] || {
    echo "error: /usr/bin/time is missing (apt-get install time)" >&2
    exit 1
}
DP5="$OUT/dp5"
gcc -O2 -std=c11 -o "$DP5" bench/naive/dp5.c -lm || exit 1
gcc -O2 -std=c11 -DRTOL=1e-12 -DATOL=1e-15 -o "$DP5.tight" bench/naive/dp5.c -lm || exit 1

REG=(--dose 300mg --every 8h --doses 42 --until 336h --out-every 1h)
TIMES="$OUT/times.tsv"
printf 'N\ttool\tthreads\tround\twall_s\tcpu_s\tloop_s\tload1\n' >"$TIMES"
FAILED=0
load1() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }

# run_timed LOG CMD...: prints "WALL CPU" (CPU = user + sys from /usr/bin/time)
run_timed() {
    local log=$1 t0 t1
    shift
    t0=$(now)
    /usr/bin/time -f 'cpu_s=%U %S' -o "$log.time" "$@" >"$log" 2>&1 || {
        echo "error: failed: $* (log $log)" >&2
        tail -n 5 "$log" >&2
        return 1
    }
    t1=$(now)
    awk -v a="$t0" -v b="$t1" '/^cpu_s=/ { sub("cpu_s=", ""); printf "%.4f %.4f\n", b - a, $1 + $2 }' \
        "$log.time"
}

for N in $NS; do
    P="$OUT/N$N.params.csv"
    echo "=== N = $N: subjects, tight-tolerance reference ==="
    # the subjects (and gabasim's tight reference run, rtol 1e-12 / atol 1e-15)
    "$GS" population --drug "$DRUG" --n "$N" --seed 1 "${REG[@]}" --rtol 1e-12 --atol 1e-15 \
        --params-csv "$P" --percentiles-csv "$OUT/N$N.tight.pct.csv" \
        --summary-csv "$OUT/N$N.tight.summary.csv" --quiet >"$OUT/N$N.tight.log" 2>&1 || {
        echo "error: tight run failed (see $OUT/N$N.tight.log)" >&2
        exit 1
    }
    # per-subject metrics at the benchmark's tolerances (not timed: the timed runs write
    # percentiles only)
    "$GS" population --drug "$DRUG" --n "$N" --seed 1 "${REG[@]}" --rtol 1e-6 --atol 1e-9 \
        --summary-csv "$OUT/N$N.summary.csv" --quiet >"$OUT/N$N.summary.log" 2>&1 || {
        echo "error: summary run failed (see $OUT/N$N.summary.log)" >&2
        exit 1
    }
    for r in $(seq 1 "$ROUNDS"); do
        for T in 1 2; do
            l=$(load1)
            w=$(run_timed "$OUT/N$N.T$T.log" "$GS" population --drug "$DRUG" --n "$N" --seed 1 \
                "${REG[@]}" --rtol 1e-6 --atol 1e-9 --threads "$T" \
                --percentiles-csv "$OUT/N$N.T$T.pct.csv" --quiet) || {
                FAILED=1
                continue
            }
            read -r wall cpu <<<"$w"
            printf '%s\tgabasim\t%s\t%s\t%s\t%s\t\t%s\n' "$N" "$T" "$r" "$wall" "$cpu" "$l" >>"$TIMES"
            echo "round $r: gabasim T=$T ${wall} s wall, ${cpu} s CPU (load $l)"
        done
        l=$(load1)
        w=$(run_timed "$OUT/N$N.dp5.log" "$DP5" "$P" "$OUT/N$N.dp5.mean.csv") || {
            FAILED=1
            continue
        }
        read -r wall cpu <<<"$w"
        loop=$(sed -n 's/^elapsed_s=//p' "$OUT/N$N.dp5.log")
        printf '%s\tdp5\t1\t%s\t%s\t%s\t%s\t%s\n' "$N" "$r" "$wall" "$cpu" "$loop" "$l" >>"$TIMES"
        echo "round $r: dp5 ${loop} s loop, ${cpu} s CPU (load $l)"
    done
    if ! cmp -s "$OUT/N$N.T1.pct.csv" "$OUT/N$N.T2.pct.csv"; then
        echo "error: N=$N: percentiles differ between --threads 1 and 2" >&2
        FAILED=1
    fi
    # the naive DP5 at rtol 1e-12 checks the reference itself (16 times dp5's steps: small N only)
    if [ "$N" -le "${ALLVAR_DP5_TIGHT_MAX:-10000}" ]; then
        "$DP5.tight" "$P" "$OUT/N$N.dp5tight.mean.csv" >"$OUT/N$N.dp5tight.log" 2>&1 || FAILED=1
    fi
done

PERF_TXT=""
if [ "${ALLVAR_PERF:-0}" = 1 ] && command -v perf >/dev/null; then
    N=$(echo "$NS" | tr ' ' '\n' | sort -n | tail -n 1)
    PERF_TXT="$OUT/perf.txt"
    echo "=== perf profile, N = $N, 1 thread (load $(load1)) ==="
    perf record -q -o "$OUT/perf.data" "$GS" population --drug "$DRUG" --n "$N" --seed 1 \
        "${REG[@]}" --rtol 1e-6 --atol 1e-9 --threads 1 --percentiles-csv "$OUT/perf.pct.csv" \
        --quiet >/dev/null 2>&1 &&
        perf report -i "$OUT/perf.data" --no-children --sort symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' >"$PERF_TXT" || PERF_TXT=""
fi

"$PY" - "$OUT" "$TIMES" "$NS" "$ROUNDS" "$PERF_TXT" <<'EOF' || FAILED=1
import csv, os, re, statistics as st, subprocess, sys
out, times, ns, rounds, perf = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4], sys.argv[5]
rows = list(csv.DictReader(open(times), delimiter="\t"))
def col(f, name):
    r = list(csv.DictReader(open(f)))
    return {float(x["time_h"]): float(x[name]) for x in r}
def pct_cols(f):
    r = list(csv.DictReader(open(f)))
    return [c for c in r[0] if c != "time_h"], r
def relmax(a, b):
    worst, where = 0.0, None
    for t in a:
        if t < 1:
            continue
        d = abs(a[t] - b[t]) / abs(b[t])
        if d > worst:
            worst, where = d, t
    return worst, where
lines, ok = [], True
la = open("/proc/loadavg").read().split()[:3]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
ver = subprocess.run([os.environ.get("GS", "build/gabasim"), "--version"], capture_output=True, text=True).stdout.strip()
lines.append(f"Machine: {cpu}, {os.cpu_count()} CPUs; {ver}; load average at the end {' '.join(la)} "
             f"(1, 5, 15 min). {rounds} rounds; medians (min-max over rounds).\n")
lines.append("| N | tool | threads | wall s | CPU s | µs/subject (wall) | load (1 min) during | naive loop / this wall | naive CPU / this CPU |")
lines.append("|---|---|---|---|---|---|---|---|---|")
for n in ns:
    g = lambda tool, th: [r for r in rows if r["N"] == n and r["tool"] == tool and r["threads"] == th]
    d = g("dp5", "1")
    if not d:
        continue
    dloop = st.median(float(r["loop_s"]) for r in d)
    dcpu = st.median(float(r["cpu_s"]) for r in d)
    for tool, th in (("gabasim", "1"), ("gabasim", "2"), ("dp5", "1")):
        rr = g(tool, th)
        if not rr:
            continue
        key = "loop_s" if tool == "dp5" else "wall_s"
        w = [float(r[key]) for r in rr]
        c = [float(r["cpu_s"]) for r in rr]
        ld = [float(r["load1"]) for r in rr]
        name = "gabasim population" if tool == "gabasim" else "naive C DP5 (loop only)"
        lines.append(f"| {n} | {name} | {th} | {st.median(w):.3f} ({min(w):.3f}-{max(w):.3f}) | "
                     f"{st.median(c):.3f} | {1e6 * st.median(w) / int(n):.1f} | {min(ld):.2f}-{max(ld):.2f} | "
                     f"{dloop / st.median(w):.1f}× | {dcpu / st.median(c):.1f}× |")
lines.append("")
lines.append("Accuracy (largest relative difference over hours 1-336; bound 1e-5): against gabasim at "
             "rtol 1e-12 / atol 1e-15 on the same subjects.\n")
lines.append("| N | compared | max rel. error | at | check |")
lines.append("|---|---|---|---|---|")
for n in ns:
    tight = os.path.join(out, f"N{n}.tight.pct.csv")
    run = os.path.join(out, f"N{n}.T1.pct.csv")
    if not (os.path.exists(tight) and os.path.exists(run)):
        continue
    names, _ = pct_cols(tight)
    worst = (0.0, None, None)
    for c in names:
        e, t = relmax(col(run, c), col(tight, c))
        if e > worst[0]:
            worst = (e, t, c)
    exact = int(n) * 337 <= 1 << 25
    tm = col(tight, "mean_mg_L")
    if exact:
        good = worst[0] <= 1e-5
        ok &= good
        lines.append(f"| {n} | gabasim rtol 1e-6, mean and every (exact) percentile | {worst[0]:.2e} | {worst[2]} at {worst[1]:g} h | {'pass' if good else 'FAIL'} |")
    else:
        # Histogram percentiles (N x times > 2^25) interpolate inside 0.27 %-wide bins by counts:
        # a subject whose value crosses a bin edge moves a percentile by about a bin width over the
        # bin's count, whatever the integration error, so they are shown, not checked; the
        # integration is checked by the exact mean and every subject's metrics below.
        e, t = relmax(col(run, "mean_mg_L"), tm)
        good = e <= 1e-5
        ok &= good
        lines.append(f"| {n} | gabasim rtol 1e-6, mean (exact sum) | {e:.2e} | {t:g} h | {'pass' if good else 'FAIL'} |")
        lines.append(f"| {n} | gabasim rtol 1e-6, histogram percentiles (shown, not checked: bin-edge crossings) | {worst[0]:.2e} | {worst[2]} at {worst[1]:g} h | - |")
    sp, stp = os.path.join(out, f"N{n}.summary.csv"), os.path.join(out, f"N{n}.tight.summary.csv")
    if os.path.exists(sp) and os.path.exists(stp):
        a, b = list(csv.DictReader(open(sp))), list(csv.DictReader(open(stp)))
        worst = (0.0, None, None)
        for x, y in zip(a, b):
            for c in ("cmax_mg_L", "cmin_mg_L", "cavg_mg_L", "auc_mg_h_L"):
                e = abs(float(x[c]) - float(y[c])) / abs(float(y[c]))
                if e > worst[0]:
                    worst = (e, x["ID"], c)
        good = len(a) == len(b) == int(n) and worst[0] <= 1e-5
        ok &= good
        lines.append(f"| {n} | gabasim rtol 1e-6, every subject's Cmax, Cmin, Cavg, AUC (328-336 h) | {worst[0]:.2e} | {worst[2]} of subject {worst[1]} | {'pass' if good else 'FAIL'} |")
    for f, label in ((f"N{n}.dp5.mean.csv", "naive DP5 rtol 1e-6, mean"),
                     (f"N{n}.dp5tight.mean.csv", "naive DP5 rtol 1e-12, mean (reference check)")):
        p = os.path.join(out, f)
        if os.path.exists(p):
            e, t = relmax(col(p, "mean_conc_mg_L"), tm)
            good = e <= 1e-5
            ok &= good
            lines.append(f"| {n} | {label} | {e:.2e} | {t:g} h | {'pass' if good else 'FAIL'} |")
if perf:
    groups = {"integrator (rk_batch.c, lane RHS)": r"segment|rhs_lanes|(^|\s)norm\b|initial_step|ctrl_fac|gs__rk_batch|undershoot|gs_simulate_batch",
              "statistics (population.c: reduction, sort, histogram)": r"gs_population_run|radix_sort|quantile|hist_bin",
              "subjects (draws, models, batch order)": r"prepare_subject|gs_rng|gs_variability|gs_drug_individual|fastest_rate|by_rate|msort|exp|sincos|log|simulate_lanes|finish_subject|pow",
              "kernel (page faults, memory)": r"\[k\]|pvm_|clear_page|page",
              "output (CSV, printing)": r"printf|hack_digit|mpn|format|fwrite|relay"}
    tot = {k: 0.0 for k in groups}
    other = 0.0
    top = []
    for l in open(perf):
        m = re.match(r"\s*([0-9.]+)%\s+(\[.\])\s+(\S+)", l)
        if not m:
            continue
        pc, kind, sym = float(m.group(1)), m.group(2), m.group(3)
        top.append((pc, sym))
        for k, rx in groups.items():
            if re.search(rx, kind + " " + sym):
                tot[k] += pc
                break
        else:
            other += pc
    lines.append("")
    lines.append("Where gabasim's time goes (perf, largest N, 1 thread; share of samples):\n")
    lines.append("| part | share |")
    lines.append("|---|---|")
    for k, v in tot.items():
        lines.append(f"| {k} | {v:.1f} % |")
    lines.append(f"| other | {other:.1f} % |")
    lines.append("")
    lines.append("Top symbols: " + ", ".join(f"{s} {p:.1f} %" for p, s in top[:10]))
text = "\n".join(lines) + "\n"
open(os.path.join(out, "allvar.md"), "w").write(text)
print(text)
sys.exit(0 if ok else 1)
EOF
[ "$FAILED" = 0 ] && echo "allvar: all checks passed" || echo "allvar: FAILED"
exit "$FAILED"
