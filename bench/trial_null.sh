#!/usr/bin/env bash
# bench/trial_null.sh - the long version of tests/validation/test_trial_null.c (issue 11 item 2):
# the virtual trials' type I error on null designs built from examples/clbp-gabapentin-trial.json
# (ineffective drug, identical arms, 20 per arm with heavy dropout at 8 and at 4 visits), for
# MMRM (by default as the trials run it: unstructured + Kenward-Roger, or heterogeneous CS + CR2
# sandwich where the last visit has fewer than 20 per arm, docs/trial.md "Small trials"; or one
# fixed inference with NULL_DF=kr|satterthwaite|cr2|md and/or NULL_COV=un|arh1|csh), ANCOVA
# (LOCF) and the random-intercept model, each rate printed with its Monte Carlo SE
# (sqrt(a (1 - a) / R) at the nominal level a) and marked OUTSIDE when the count of rejections
# leaves the central 99.9 % of Binomial(R, a). Needs `make build` (build/tests/test_trial_null).
#
#   bash bench/trial_null.sh                      10000 replicates per design and method
#   NULL_REPS=2000 NULL_THREADS=2 bash bench/trial_null.sh
#   bash bench/trial_null.sh mmrm ancova          only these methods (default mmrm ancova mixed)
#   NULL_DF=satterthwaite bash bench/trial_null.sh mmrm
#   NULL_DF=cr2 NULL_COV=csh NULL_DESIGNS=small-heavy-8,small-heavy-4 bash bench/trial_null.sh mmrm
#
# Measured (docs/trial.md has the table): 10000 replicates of MMRM on 2 threads at load average
# 6 to 8 (other work on the machine), Kenward-Roger / Satterthwaite two-sided: ineffective
# 0.0495 / 0.0509, identical 0.0498 / 0.0531, small-heavy-8 0.0810 / 0.0886 (496 / 487 not
# analysable), small-heavy-4 0.0582 / 0.0667; MMRM's four designs took 404 s / 545 s of wall
# time there, so time them on a quiet machine. Heterogeneous CS + CR2 (the default rule's
# choice on the small designs), 1 thread at load average 11 to 19: small-heavy-8 0.0523 / 0.0260 /
# 0.0539 and small-heavy-4 0.0537 / 0.0262 / 0.0537 (two-sided / one-sided 0.025 / 0.05), all
# inside; with Mancl-DeRouen's sandwich instead 0.0335 and 0.0340 two-sided (too conservative).
#
# Exit status: that of the test program (1 when a checked rate is outside its interval, which
# the random-intercept model is expected to be).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${TEST_TRIAL_NULL:-$ROOT/build/tests/test_trial_null}
if [ ! -x "$BIN" ]; then
    echo "trial_null.sh: $BIN not found: run make build first" >&2
    exit 2
fi
methods=("$@")
[ ${#methods[@]} -eq 0 ] && methods=(mmrm ancova mixed)
start=$(date +%s)
fixed=()
[ -n "${NULL_DF:-}" ] && fixed+=(--df "$NULL_DF")
[ -n "${NULL_COV:-}" ] && fixed+=(--cov "$NULL_COV")
[ -n "${NULL_DESIGNS:-}" ] && fixed+=(--designs "$NULL_DESIGNS")
uptime
"$BIN" --all --reps "${NULL_REPS:-10000}" --threads "${NULL_THREADS:-0}" "${fixed[@]}" \
    "${methods[@]}" 2>&1 |
    grep -v '^\[' | sed 's/:  /:\n    /; s/  \(one-sided\)/\n    \1/g'
status=${PIPESTATUS[0]}
echo "total $(($(date +%s) - start)) s"
exit "$status"
