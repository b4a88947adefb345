#!/usr/bin/env bash
# not_input.sh - an output never overwrites an input (issue 17 item 6): when an output names the
# same existing file as an input (device and inode; symbolic links followed; '-' as an input is
# standard input's file), the command refuses with exit 2 and one line naming the output option,
# the path and the input option, before any work, and the input is left byte for byte.
#
# usage: bash not_input.sh PATH_TO_GABASIM
set -u
GS=$(readlink -f "$1")
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"
D="$TMP/scratch"

# refused DESCRIPTION EXPECTED INPUT_FILE ARGS...: run in $D (holding the inputs), from stdin
# $STDIN when set
refused() {
    local desc=$1 want=$2 input=$3
    shift 3
    cp "$D/$input" "$TMP/pristine"
    (cd "$D" && "$GS" "$@" < "${STDIN:-/dev/null}" > "$TMP/out.txt" 2> "$TMP/err.txt")
    local rc=$?
    if [ $rc != 2 ]; then bad "$desc" "exit $rc, stderr '$(cat "$TMP/err.txt")'"
    elif [ "$(wc -l < "$TMP/err.txt")" != 1 ] || ! grep -q '^gabasim: error: ' "$TMP/err.txt"; then
        bad "$desc" "stderr '$(cat "$TMP/err.txt")'"
    elif ! grep -qF -- "$want" "$TMP/err.txt"; then bad "$desc" "'$(cat "$TMP/err.txt")' lacks '$want'"
    elif [ -s "$TMP/out.txt" ]; then bad "$desc" "stdout not empty"
    elif ! cmp -s "$D/$input" "$TMP/pristine"; then bad "$desc" "the input $input changed"
    elif [ -n "$(ls -A "$D" "$TMPDIR" | grep '\.tmp\.')" ]; then bad "$desc" "temporary files left"
    else ok "$desc"; fi
    cp "$TMP/pristine" "$D/$input" # the next case starts from the intact input either way
}

rm -rf "$D" && mkdir -p "$D"
cp "$SRC/examples/nonmem-pregabalin.csv" "$D/ds.csv"
cp "$SRC/examples/clbp-gabapentin-trial.json" "$D/spec.json"
cp "$SRC/data/drugs/gabapentin.json" "$D/g.json"
cp "$SRC/examples/bcg-colditz1994.csv" "$D/t.csv"
cp "$D/t.csv" "$D/t.svg" # a study table under a plot's name: accepted as a plot path
ln -s ds.csv "$D/link.csv"
SIM=(--dose 300mg --every 8h --days 1)

refused "population --data ds.csv --out ds.csv" \
    "'--out' is 'ds.csv', the same file as the input '--data'; give another path" ds.csv \
    population --drug pregabalin --data ds.csv --out ds.csv
refused "trial spec.json --csv spec.json" \
    "'--csv' is 'spec.json', the same file as the input 'SPEC'; give another path" spec.json \
    trial spec.json --csv spec.json
refused "simulate --drug g.json --csv g.json" \
    "'--csv' is 'g.json', the same file as the input '--drug'; give another path" g.json \
    simulate --drug g.json "${SIM[@]}" --csv g.json
refused "meta t.csv --plot t.csv" \
    "'--plot' is 't.csv', the same file as the input 'FILE'; give another path" t.csv \
    meta t.csv --plot t.csv
refused "meta t.svg --plot t.svg" \
    "'--plot' is 't.svg', the same file as the input 'FILE'; give another path" t.svg \
    meta t.svg --plot t.svg
refused "a symbolic link to the input is the input" \
    "'--out' is 'link.csv', the same file as the input '--data'" ds.csv \
    population --drug pregabalin --data ds.csv --out link.csv
refused "the same file by another path (./, ../)" \
    "'--csv' is '../scratch/./g.json', the same file as the input '--drug'" g.json \
    simulate --drug ./g.json "${SIM[@]}" --csv ../scratch/./g.json
refused "population --drug g.json --summary-csv g.json" \
    "'--summary-csv' is 'g.json', the same file as the input '--drug'" g.json \
    population --drug g.json --n 10 "${SIM[@]}" --summary-csv g.json
refused "advise --drug g.json --html g.json" \
    "'--html' is 'g.json', the same file as the input '--drug'" g.json \
    advise --drug g.json --crcl 80 --html g.json
STDIN="$D/t.csv" refused "meta - reading a file that is also the output" \
    "'--plot' is 't.csv', the same file as the input 'FILE'" t.csv meta - --plot t.csv

# a library name is the file in the data directory (a scratch copy here)
cp -r "$SRC/data" "$TMP/data"
GABASIM_DATA="$TMP/data" refused "a drug named from the library is its file" \
    "the same file as the input '--drug'" ../data/drugs/gabapentin.json \
    simulate --drug gabapentin "${SIM[@]}" --csv "$TMP/data/drugs/gabapentin.json"
GABASIM_DATA="$TMP/data" refused "a population named from the library is its file" \
    "the same file as the input '--covariates'" ../data/populations/clbp-atkinson2016.json \
    population --drug gabapentin --n 10 "${SIM[@]}" --covariates clbp-atkinson2016 \
    --params-csv "$TMP/data/populations/clbp-atkinson2016.json"

# different files, and outputs that do not exist yet, are written as usual
(cd "$D" && "$GS" simulate --drug g.json "${SIM[@]}" --csv new.csv > /dev/null) \
    && [ -s "$D/new.csv" ] && ok "a new output beside the input is written" \
    || bad "a new output beside the input is written" "exit $?"
(cd "$D" && "$GS" population --drug pregabalin --data ds.csv --out ds2.csv 2> /dev/null) \
    && [ -s "$D/ds2.csv" ] && ok "population --data ds.csv --out ds2.csv works" \
    || bad "population --data ds.csv --out ds2.csv works" "exit $?"

finish
