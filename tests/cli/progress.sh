#!/usr/bin/env bash
# progress.sh - the progress line of long runs (issue 11 item 4): on a terminal, population and
# trial replicates (power curve included) show "... N %, about T left" once the run has taken
# GABASIM_PROGRESS_DELAY seconds (0 here, so short runs show it; default 2), ending at 100 % with
# a newline; nothing when stderr is not a terminal or with --quiet; the results do not change;
# a bad GABASIM_PROGRESS_DELAY is a usage error. The terminal is a pseudo-terminal from
# script(1) (util-linux, in every Debian).
# usage: bash progress.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: progress.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
if ! command -v script > /dev/null; then
  echo "skipped: script(1) is missing"
  exit 77
fi
SPEC=$ROOT/examples/clbp-gabapentin-trial.json
POP=(population --drug gabapentin --dose 600mg --every 8h --days 3 --n 6000)
TRIAL=(trial "$SPEC" --replicates 24 --n-grid 20,60 --threads 2)

# on_tty OUT ERR ARGS...: runs gabasim with stdout to OUT and stderr on a pseudo-terminal, whose
# text (carriage returns made newlines) goes to ERR
on_tty() {
  local out=$1 err=$2
  shift 2
  local cmd
  cmd=$(printf '%q ' "$GS" "$@")
  script -qec "$cmd > $(printf '%q' "$out")" /dev/null < /dev/null | tr '\r' '\n' > "$err"
}

GABASIM_PROGRESS_DELAY=0 on_tty "$TMP/p.out" "$TMP/p.tty" "${POP[@]}"
grep -qE '^gabasim: [0-9]+ / 6000 subjects \([0-9]+ %\), (about [0-9]+ (s|min)|under a second) left' "$TMP/p.tty" &&
  grep -q '^gabasim: 6000 / 6000 subjects (100 %)' "$TMP/p.tty" &&
  ok "population: progress with time left, then 100 %" || bad "population progress" "$(head -c 400 "$TMP/p.tty")"
GABASIM_PROGRESS_DELAY=0 on_tty "$TMP/t.out" "$TMP/t.tty" "${TRIAL[@]}"
grep -qE '^gabasim: trial replicates [0-9]+ %, (about [0-9]+ (s|min)|under a second) left' "$TMP/t.tty" &&
  grep -q '^gabasim: trial replicates 100 %' "$TMP/t.tty" &&
  ok "trial replicates and power curve: progress with time left, then 100 %" || bad "trial progress" "$(head -c 400 "$TMP/t.tty")"
# the percentages only grow
pcts=$(grep -oE 'trial replicates [0-9]+ %' "$TMP/t.tty" | grep -oE '[0-9]+')
[ "$pcts" = "$(echo "$pcts" | sort -n)" ] && ok "trial progress only grows" || bad "trial progress only grows" "$pcts"

# not a terminal: stderr stays empty; the results are the same as with the progress line
"$GS" "${POP[@]}" > "$TMP/p2.out" 2> "$TMP/p2.err"
[ ! -s "$TMP/p2.err" ] && ok "population: no progress when stderr is a file" || bad "population, file" "$(head -c 200 "$TMP/p2.err")"
grep -v '^simulated in' "$TMP/p.out" > "$TMP/a" && grep -v '^simulated in' "$TMP/p2.out" > "$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && ok "population: same results with and without progress" || bad "population results" "differ"
GABASIM_PROGRESS_DELAY=0 "$GS" "${TRIAL[@]}" > "$TMP/t2.out" 2> "$TMP/t2.err"
[ ! -s "$TMP/t2.err" ] && ok "trial: no progress when stderr is a file" || bad "trial, file" "$(head -c 200 "$TMP/t2.err")"
cmp -s "$TMP/t.out" "$TMP/t2.out" && ok "trial: same results with and without progress" || bad "trial results" "differ"

# --quiet, and the default delay of 2 s for a run shorter than that
GABASIM_PROGRESS_DELAY=0 on_tty "$TMP/q.out" "$TMP/q.tty" "${TRIAL[@]}" --quiet
! grep -q 'gabasim:' "$TMP/q.tty" && ok "trial --quiet: no progress" || bad "trial --quiet" "$(head -c 200 "$TMP/q.tty")"
on_tty "$TMP/s.out" "$TMP/s.tty" population --drug gabapentin --dose 600mg --every 8h --days 1 --n 20
! grep -q 'gabasim:' "$TMP/s.tty" && ok "a run under 2 s shows no progress" || bad "short run" "$(head -c 200 "$TMP/s.tty")"

for v in abc -1 4000 ''; do
  GABASIM_PROGRESS_DELAY=$v "$GS" "${TRIAL[@]}" > "$TMP/e.out" 2> "$TMP/e.err"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l < "$TMP/e.err")" = 1 ] &&
    grep -qF "'GABASIM_PROGRESS_DELAY' is '$v'; allowed 0 to 3600 seconds" "$TMP/e.err" && [ ! -s "$TMP/e.out" ] &&
    ok "GABASIM_PROGRESS_DELAY='$v' is a usage error" || bad "GABASIM_PROGRESS_DELAY='$v'" "exit $rc: $(cat "$TMP/e.err")"
done
finish
