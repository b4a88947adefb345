#!/usr/bin/env bash
# options.sh - options are declared once (type, unit, range, destination): the same option has the
# same limits and the same message in every command, -h and --help work after any command, and
# the help shows the limits the parser enforces.
#
# usage: bash options.sh PATH_TO_GABASIM
set -u
GS=$(readlink -f "$1")
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 2
EX=$(dirname "$(readlink -f "$0")")/../../examples

# the same bad value of a shared option, in each command that has it: one identical message
same_message() { # description, option value, then one command line per argument (quoted)
  local desc=$1 first="" msg
  shift
  for cmd in "$@"; do
    # shellcheck disable=SC2086
    msg=$("$GS" $cmd 2>&1 >/dev/null)
    if [ -z "$first" ]; then first=$msg; fi
    if [ "$msg" != "$first" ] || [ -z "$msg" ]; then
      bad "$desc" "'$cmd' says '$msg', another command '$first'"
      return
    fi
  done
  ok "$desc: $first"
}
P="--drug pregabalin --dose 150mg --every 12h"
same_message "--seed -1 is refused alike" \
  "population $P --days 2 --n 10 --seed -1" "trial $EX/clbp-gabapentin-trial.json --seed -1" \
  "advise --crcl 90 --seed -1"
same_message "--seed above 2^53 is refused alike" \
  "population $P --days 2 --n 10 --seed 9007199254740993" \
  "trial $EX/clbp-gabapentin-trial.json --seed 9007199254740993" \
  "advise --crcl 90 --seed 9007199254740993"
same_message "--threads 257 is refused alike" \
  "population $P --days 2 --n 10 --threads 257" \
  "trial $EX/clbp-gabapentin-trial.json --replicates 2 --threads 257"
same_message "--days 366 is refused alike" \
  "simulate $P --days 366" "population $P --days 366 --n 10" "advise --crcl 90 --days 366"
same_message "--days abc is refused alike" \
  "simulate $P --days abc" "population $P --days abc --n 10" "advise --crcl 90 --days abc"
same_message "--crcl 2x is refused alike" \
  "simulate $P --days 1 --crcl 2x" "population $P --days 1 --n 10 --crcl 2x" "advise --crcl 2x"

usage_err "a number where a whole number is due" "'--seed' is '1.5'; expected a whole number" \
  population $P --days 2 --n 10 --seed 1.5
usage_err "nan is no number" "'--level' is 'nan'" meta "$EX/bcg-colditz1994.csv" --level nan
usage_err "a choice outside its list" "'--method' is 'ml'; allowed: reml, dl" \
  meta "$EX/bcg-colditz1994.csv" --method ml
usage_err "--name=VALUE form is checked too" "'--n' is 0; allowed 1 to" population $P --days 2 --n=0
usage_err "a flag takes no value" "'--json' takes no value" simulate $P --days 1 --json=1
usage_err "a value is required" "'--dose' needs a value" simulate --drug gabapentin --dose
usage_err "a single dash option is not ours" "unknown option '-x'" simulate $P --days 1 -x
usage_err "an option given twice" "'--days' was given more than once" simulate $P --days 1 --days 2

# -h and --help after any command (and among its options): the command's usage, exit 0
for cmd in simulate population advise trial meta drugs demo; do
  for h in -h --help; do
    out=$("$GS" $cmd --json $h 2>&1)
    rc=$?
    case "$out" in
    "usage: gabasim $cmd"*) [ $rc = 0 ] && ok "$cmd $h" || bad "$cmd $h" "exit $rc" ;;
    *) bad "$cmd $h" "$(printf '%s' "$out" | head -2)" ;;
    esac
  done
done

# the help shows the limits that the parser enforces, from the same table
"$GS" help population > help.txt
expect_in "help shows --threads' range" "threads (0: OMP_NUM_THREADS or the CPUs this process may use; results do not depend on it; 0 to 256)" help.txt
expect_in "help shows --n's range" "number of virtual subjects (1 to 10000000)" help.txt
"$GS" population $P --days 2 --n 10000001 > /dev/null 2> err.txt
expect_in "and the parser holds the same one" "'--n' is 10000001; allowed 1 to 10000000" err.txt
finish
