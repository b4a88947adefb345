#!/usr/bin/env bash
# bench/run.sh - gabasim population benchmark against R deSolve, SciPy and a plain C DP5
# (bench/README.md). `make bench` calls it; it works from a fresh clone after `make build`.
#
#   bash bench/run.sh                 full run (N = 1000 and 10000; prega-pop 1e5 and 1e6)
#   BENCH_QUICK=1 bash bench/run.sh   N = 1000 only (prega-pop 1e5 only), 1 repetition each
#
# Environment:
#   BENCH_QUICK=1   quick run; its report goes to $BENCH_OUT/RESULTS.md, not bench/RESULTS.md
#   BENCH_N="..."   gaba-pop population sizes (default "1000 10000", quick "1000")
#   BENCH_OUT=DIR   work directory for parameters, outputs and logs (default bench/out)
#   GABASIM=PATH    the gabasim binary (default build/gabasim)
#
# Exit status: 0 when every agreement check passed, 1 when one failed or a tool failed.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1

QUICK=${BENCH_QUICK:-0}
[ "$QUICK" = "0" ] && QUICK=0 || QUICK=1
OUT=${BENCH_OUT:-bench/out}
GS=${GABASIM:-build/gabasim}
PY=/usr/bin/python3 # Debian's Python: python3 on PATH may be one without numpy/scipy
if [ "$QUICK" = 1 ]; then
    GABA_N=${BENCH_N:-1000}
    PREGA_N="100000"
else
    GABA_N=${BENCH_N:-"1000 10000"}
    PREGA_N="100000 1000000"
fi

mkdir -p "$OUT"
TIMINGS="$OUT/timings.tsv"
NOTES="$OUT/notes.txt"
printf 'bench\tN\ttool\tthreads\trep\ttime_s\twall_s\n' >"$TIMINGS"
: >"$NOTES"
cut -d' ' -f1-3 /proc/loadavg >"$OUT/loadavg_start.txt" 2>/dev/null # other load skews timings
FAILED=0

say() { printf '%s\n' "$*"; }
note() {
    say "NOTE: $*"
    printf '%s\n' "$*" >>"$NOTES"
}
now() { date +%s.%N; }
diff_s() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }

# ---------------------------------------------------------------- dependencies
install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local SUDO=
    [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
}
# r-base-dev: compiler settings and headers for `R CMD SHLIB` of the deSolve model
install_missing r-cran-desolve r-base-dev python3-scipy gcc || {
    say "error: could not install the comparators' packages"
    exit 1
}

# ---------------------------------------------------------------- build the C comparator
DP5="$OUT/dp5"
gcc -O2 -std=c11 -o "$DP5" bench/naive/dp5.c -lm || {
    say "error: building bench/naive/dp5.c failed"
    exit 1
}

# ---------------------------------------------------------------- gabasim's capabilities
HAVE_GS=0
HAVE_POP=0
if [ -x "$GS" ]; then
    HAVE_GS=1
    if "$GS" help population >/dev/null 2>&1; then
        HAVE_POP=1
    else
        note "gabasim has no 'population' command yet ($GS help population failed): the comparators run on parameters from bench/make_params.py (same distribution, Python's RNG, seed 1), and gabasim's population time and mean are missing from the table."
    fi
else
    note "$GS not found (run 'make build' first): gabasim is left out; only the comparators run."
fi

# ---------------------------------------------------------------- runners
# run_comparator TOOL PARAMS MEAN_OUT [FIRST_OUT]: runs one comparator, prints its loop time
# (elapsed_s) and the process wall time as "LOOP WALL"; returns non-zero on failure.
run_comparator() {
    local tool=$1 params=$2 mean=$3 first=${4:-} log="$3.log" t0 t1 loop rc
    t0=$(now)
    case "$tool" in
    dp5) "$DP5" "$params" "$mean" ${first:+"$first"} >"$log" 2>&1 ;;
    desolve) Rscript bench/desolve/gaba_pop.R "$params" "$mean" ${first:+"$first"} >"$log" 2>&1 ;;
    scipy) "$PY" bench/scipy/gaba_pop.py "$params" "$mean" ${first:+"$first"} >"$log" 2>&1 ;;
    esac
    rc=$?
    t1=$(now)
    loop=$(sed -n 's/^elapsed_s=//p' "$log" | tail -n 1)
    if [ $rc -ne 0 ] || [ -z "$loop" ]; then
        say "error: $tool failed on $params (exit $rc); log $log:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    echo "$loop $(diff_s "$t0" "$t1")"
}

# time_gabasim LOG CMD...: runs gabasim end to end, prints the wall time; non-zero on failure.
time_gabasim() {
    local log=$1 t0 t1 rc
    shift
    t0=$(now)
    "$@" >"$log" 2>&1
    rc=$?
    t1=$(now)
    if [ $rc -ne 0 ]; then
        say "error: gabasim failed (exit $rc): $*" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    diff_s "$t0" "$t1"
}

reps_for() { # reps_for TOOL N
    [ "$QUICK" = 1 ] && {
        echo 1
        return
    }
    case "$1" in
    desolve | scipy) [ "$2" -ge 10000 ] && echo 3 || echo 5 ;;
    *) echo 5 ;;
    esac
}

# ---------------------------------------------------------------- gaba-pop
for N in $GABA_N; do
    say ""
    say "=== gaba-pop, N = $N ==="
    P="$OUT/gaba_N$N.params.csv"
    rm -f "$P"
    if [ "$HAVE_POP" = 1 ]; then
        for T in 1 2; do
            reps=$(reps_for gabasim "$N")
            for rep in $(seq 1 "$reps"); do
                PT="$OUT/gaba_N${N}_T$T.params.csv"
                Q="$OUT/gaba_N${N}_T$T.pct.csv"
                s=$(time_gabasim "$OUT/gaba_N${N}_T$T.log" "$GS" population \
                    --drug bench/gaba-pop.json --n "$N" --seed 1 --dose 300mg --every 8h \
                    --doses 42 --until 336h --out-every 1h --rtol 1e-6 --atol 1e-9 \
                    --threads "$T" --params-csv "$PT" --percentiles-csv "$Q" --quiet) || {
                    FAILED=1
                    note "gaba-pop N=$N: gabasim --threads $T failed on run $rep (see $OUT/gaba_N${N}_T$T.log)"
                    break
                }
                say "gabasim  T=$T rep $rep: ${s} s (end to end)"
                printf 'gaba-pop\t%s\tgabasim\t%s\t%s\t%s\t%s\n' "$N" "$T" "$rep" "$s" "$s" >>"$TIMINGS"
            done
        done
        if [ -s "$OUT/gaba_N${N}_T1.params.csv" ]; then
            cp "$OUT/gaba_N${N}_T1.params.csv" "$P"
            if [ -s "$OUT/gaba_N${N}_T2.params.csv" ] &&
                ! cmp -s "$OUT/gaba_N${N}_T1.params.csv" "$OUT/gaba_N${N}_T2.params.csv"; then
                note "N=$N: gabasim's --params-csv differs between --threads 1 and 2 (the subjects should not depend on the thread count)"
                FAILED=1
            fi
        fi
    fi
    if [ ! -s "$P" ]; then
        [ "$HAVE_POP" = 1 ] && note "N=$N: gabasim wrote no params CSV; the comparators use bench/make_params.py's subjects"
        "$PY" bench/make_params.py --n "$N" --seed 1 --out "$P" || exit 1
    fi
    for tool in dp5 desolve scipy; do
        reps=$(reps_for "$tool" "$N")
        for rep in $(seq 1 "$reps"); do
            r=$(run_comparator "$tool" "$P" "$OUT/gaba_N$N.$tool.mean.csv" "$OUT/gaba_N$N.$tool.first.csv") || {
                FAILED=1
                note "gaba-pop N=$N: $tool failed on run $rep (see $OUT/gaba_N$N.$tool.mean.csv.log)"
                break
            }
            read -r loop wall <<<"$r"
            say "$(printf '%-8s' "$tool") T=1 rep $rep: ${loop} s (loop), ${wall} s (process)"
            printf 'gaba-pop\t%s\t%s\t1\t%s\t%s\t%s\n' "$N" "$tool" "$rep" "$loop" "$wall" >>"$TIMINGS"
        done
    done
done

# ---------------------------------------------------------------- typical subject
say ""
say "=== typical subject (C at 335 h) ==="
TYP="$OUT/typical.params.csv"
"$PY" bench/make_params.py --typical --out "$TYP" || exit 1
for tool in dp5 desolve scipy; do
    run_comparator "$tool" "$TYP" "$OUT/typical.$tool.mean.csv" "$OUT/typical.$tool.first.csv" >/dev/null || {
        FAILED=1
        note "typical subject: $tool failed"
    }
done
if [ "$HAVE_GS" = 1 ]; then
    SIM=("$GS" simulate --drug bench/gaba-pop.json --dose 300mg --every 8h --doses 42 --until 336h
        --out-every 1h)
    rm -f "$OUT/typical.gabasim.csv"
    if ! "${SIM[@]}" --rtol 1e-6 --atol 1e-9 --csv "$OUT/typical.gabasim.csv" >"$OUT/typical.gabasim.log" 2>&1; then
        if grep -q -- "--rtol" "$OUT/typical.gabasim.log"; then
            note "gabasim simulate has no --rtol/--atol yet: the typical subject ran with gabasim's default tolerances"
            "${SIM[@]}" --csv "$OUT/typical.gabasim.csv" >"$OUT/typical.gabasim.log" 2>&1 || {
                say "error: gabasim simulate failed:" >&2
                tail -n 20 "$OUT/typical.gabasim.log" >&2
                FAILED=1
            }
        else
            say "error: gabasim simulate failed:" >&2
            tail -n 20 "$OUT/typical.gabasim.log" >&2
            FAILED=1
        fi
    fi
fi

# ---------------------------------------------------------------- prega-pop (timing only)
if [ "$HAVE_POP" = 1 ]; then
    for N in $PREGA_N; do
        say ""
        say "=== prega-pop, N = $N (timing only) ==="
        if [ "$QUICK" = 1 ]; then reps=1; elif [ "$N" -ge 1000000 ]; then reps=3; else reps=5; fi
        for T in 1 2; do
            for rep in $(seq 1 "$reps"); do
                s=$(time_gabasim "$OUT/prega_N${N}_T$T.log" "$GS" population \
                    --drug bench/prega-pop.json --n "$N" --seed 1 --dose 150mg --every 12h \
                    --days 14 --out-every 1h --threads "$T" \
                    --percentiles-csv "$OUT/prega_N${N}_T$T.pct.csv" \
                    --summary-csv "$OUT/prega_N${N}_T$T.summary.csv" --quiet) || {
                    FAILED=1
                    note "prega-pop N=$N: gabasim --threads $T failed on run $rep (see $OUT/prega_N${N}_T$T.log)"
                    break
                }
                say "gabasim  T=$T rep $rep: ${s} s (end to end)"
                printf 'prega-pop\t%s\tgabasim\t%s\t%s\t%s\t%s\n' "$N" "$T" "$rep" "$s" "$s" >>"$TIMINGS"
            done
        done
    done
else
    note "prega-pop (gabasim only) skipped: no 'population' command"
fi

# ---------------------------------------------------------------- checks, table, RESULTS.md
say ""
if [ "$QUICK" = 1 ]; then RESULTS="$OUT/RESULTS.md"; else RESULTS="bench/RESULTS.md"; fi
"$PY" bench/report.py --out-dir "$OUT" --gabasim "$GS" --have-pop "$HAVE_POP" \
    --quick "$QUICK" --n "$GABA_N" --results "$RESULTS" || FAILED=1
if [ "$HAVE_POP" = 1 ]; then
    "$PY" bench/accuracy.py "$GS" "$OUT" "$RESULTS" || FAILED=1
fi
say ""
say "report written to $RESULTS"
if [ "$FAILED" != 0 ]; then
    say "bench: FAILED (a tool failed or an agreement check did not pass; see above)"
    exit 1
fi
say "bench: all agreement checks passed"
