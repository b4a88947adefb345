#!/usr/bin/env bash
# stdin.sh - "-" reads an input file from standard input, like a Unix tool: study tables (meta),
# trial specifications (trial), datasets (population --data), covariate distributions
# (population --covariates) and drug files (--drug). Each output must equal the one from the
# same file given by path (apart from where the output names its input), whether standard input
# is a redirected file or a pipe. Also: a directory and an oversized input are refused with one
# line naming the input and the limit. usage: bash stdin.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: stdin.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
EX=$ROOT/examples
. "$(dirname "$(realpath "$0")")/lib.sh"

# same_output DESCRIPTION NAME_IN_OUTPUT FILE ARGS_WITH_PATH... -- ARGS_WITH_DASH...
# Runs both forms (the dash form twice: redirected file and pipe) and compares stdout, after
# replacing the name the dash form prints for its input ("-" or "standard input") by the path.
same_output() {
  local desc=$1 file=$2
  shift 2
  local a=() b=()
  while [ "$1" != "--" ]; do a+=("$1"); shift; done
  shift
  b=("$@")
  if ! "$GS" "${a[@]}" > "$TMP/path.out" 2> "$TMP/path.err"; then
    bad "$desc" "by path: exit $?: $(cat "$TMP/path.err")"; return
  fi
  if ! "$GS" "${b[@]}" < "$file" > "$TMP/redir.out" 2> "$TMP/redir.err"; then
    bad "$desc" "from a redirected file: $(cat "$TMP/redir.err")"; return
  fi
  if ! cat "$file" | "$GS" "${b[@]}" > "$TMP/pipe.out" 2> "$TMP/pipe.err"; then
    bad "$desc" "from a pipe: $(cat "$TMP/pipe.err")"; return
  fi
  [ -s "$TMP/path.out" ] || { bad "$desc" "no output by path"; return; }
  local f
  for f in redir pipe; do
    # the dash form names its input "-" or "standard input" where the path form prints the path
    sed -e "s|standard input|$file|g" -e "s| -: | $file: |g" "$TMP/$f.out" > "$TMP/$f.norm"
    if ! cmp -s "$TMP/path.out" "$TMP/$f.norm"; then
      bad "$desc" "$f output differs: $(diff "$TMP/path.out" "$TMP/$f.norm" | head -5 | tr '\n' ' ')"
      return
    fi
  done
  ok "$desc"
}

BCG=$EX/bcg-colditz1994.csv
same_output "meta: study table from standard input" "$BCG" meta "$BCG" -- meta -
same_output "meta --json: study table from standard input" "$BCG" meta "$BCG" --json -- meta - --json
SPEC=$EX/clbp-gabapentin-trial.json
same_output "trial: specification from standard input" "$SPEC" trial "$SPEC" -- trial -
DATA=$EX/nonmem-pregabalin.csv
# the predictions (a CSV of every record) go to standard output
same_output "population --data: dataset from standard input" "$DATA" \
  population --drug pregabalin --data "$DATA" -- population --drug pregabalin --data -
COV=$ROOT/data/populations/clbp-atkinson2016.json
RX=(--dose 150mg --every 12h --days 3)
# timing lines ("simulated in 0.07 s") vary from run to run: compare the --json output
same_output "population --covariates: distribution from standard input" "$COV" \
  population --drug pregabalin --n 40 --covariates "$COV" "${RX[@]}" --json -- \
  population --drug pregabalin --n 40 --covariates - "${RX[@]}" --json
DRUG=$ROOT/data/drugs/gabapentin.json
same_output "simulate --drug: drug file from standard input" "$DRUG" \
  simulate --drug "$DRUG" --dose 300mg --every 8h --days 2 -- \
  simulate --drug - --dose 300mg --every 8h --days 2

# bad input read from standard input: named as such, one line, exit 2
printf 'this is not JSON' > "$TMP/bad.json"
(cd "$TMP" && "$GS" trial - < bad.json > out.txt 2> err.txt)
rc=$?
[ $rc = 2 ] && grep -q "^gabasim: error: standard input: line 1" "$TMP/err.txt" \
  && ok "malformed specification on standard input is named 'standard input'" \
  || bad "malformed specification on standard input" "exit $rc: $(cat "$TMP/err.txt")"

# a directory given as an input file is a usage error (exit 2; issue 17 item 9: it was 1) with
# one line naming it (not read as an empty file), for each kind of input
mkdir -p "$TMP/dir.csv" "$TMP/dir.json"
for args in "meta $TMP/dir.csv" "trial $TMP/dir.json" "simulate --drug $TMP/dir.json --dose 300mg --doses 1" \
    "population --drug pregabalin --data $TMP/dir.csv"; do
  # shellcheck disable=SC2086 # the words are the arguments
  "$GS" $args > /dev/null 2> "$TMP/err.txt"
  rc=$?
  [ $rc = 2 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && grep -qF "/dir.$(echo "$args" | grep -o 'dir\.[a-z]*' | cut -d. -f2)' is a directory" "$TMP/err.txt" \
    && ok "a directory is refused by name: ${args%% *}" || bad "directory: $args" "exit $rc: $(cat "$TMP/err.txt")"
done

# an input above the ceiling is refused while reading, naming the input and the limit: a study
# table of 17 MiB through a pipe (no size known in advance)
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '\n' | "$GS" meta - > /dev/null 2> "$TMP/err.txt"
rc=$?
[ $rc = 2 ] && grep -qF "'study table' file 'standard input' is more than 16777216 bytes; allowed up to 16777216 bytes" "$TMP/err.txt" \
  && ok "an oversized study table on standard input is refused with the limit" \
  || bad "oversized input" "exit $rc: $(cat "$TMP/err.txt")"

finish
