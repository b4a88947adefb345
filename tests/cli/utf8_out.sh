#!/usr/bin/env bash
# utf8_out.sh - every output is valid UTF-8 and every JSON output parses (issue 17 item 10).
# File names may be any bytes, and some outputs name their input files (the drug file in JSON
# and on the patient page): an input named with a byte that is not UTF-8 (0xFF) must not make
# an output invalid. Data files whose text is not UTF-8 are refused (line and byte named).
#
# usage: bash utf8_out.sh PATH_TO_GABASIM
set -u
GS=$(readlink -f "$1")
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
D="$TMP/$(printf 'dir\xff')"
mkdir -p "$D"
X=$(printf '\xff')
cp "$SRC/data/drugs/gabapentin.json" "$D/g$X.json"
cp "$SRC/examples/clbp-gabapentin-trial.json" "$D/t$X.json"
cp "$SRC/examples/gabapentinoids-back-pain-smd.csv" "$D/s$X.csv"
cp "$SRC/examples/nonmem-pregabalin.csv" "$D/d$X.csv"

# valid DESCRIPTION ARGS...: runs in $D; exit 0, and stdout and every file written is UTF-8,
# JSON files (and stdout with --json) parse
valid() {
    local desc=$1
    shift
    rm -rf "$D"/o.*
    (cd "$D" && "$GS" "$@" > o.stdout 2> "$TMP/err.txt")
    local rc=$? f why=""
    [ $rc = 0 ] || why="exit $rc: $(head -c 300 "$TMP/err.txt")"
    for f in "$D"/o.*; do
        [ -n "$why" ] && break
        python3 -c 'import sys; open(sys.argv[1], encoding="utf-8", errors="strict").read()' "$f" \
            2> /dev/null || why="$(basename "$f") is not UTF-8"
        case "$f" in
        *.json) python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" 2> /dev/null ||
                    why="$(basename "$f") is not JSON" ;;
        esac
    done
    if [ -z "$why" ] && printf '%s\n' "$@" | grep -qx -- --json &&
        ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$D/o.stdout" 2> /dev/null; then
        why="stdout is not JSON"
    fi
    [ -z "$why" ] && ok "$desc" || bad "$desc" "$why"
}

G="g$X.json"
valid "simulate --json names a non-UTF-8 drug file" simulate --drug "$G" --dose 600mg --doses 1 --json
grep -q $'g\xef\xbf\xbd.json' "$D/o.stdout" && ok "simulate --json writes U+FFFD for the byte" ||
    bad "simulate --json writes U+FFFD for the byte" "$(grep '"file"' "$D/o.stdout")"
valid "simulate text, CSV and plot" simulate --drug "$G" --dose 600mg --doses 1 --csv o.csv --plot o.svg
valid "population --json" population --drug "$G" --dose 600mg --every 8h --days 2 --n 20 --json
valid "population CSVs" population --drug "$G" --dose 600mg --every 8h --days 2 --n 20 \
    --summary-csv o.s.csv --percentiles-csv o.p.csv --plot o.svg
valid "population --data" population --drug pregabalin --data "d$X.csv" --out o.csv
valid "advise --json" advise --drug "$G" --crcl 60 --json
valid "advise --html" advise --drug "$G" --crcl 60 --html o.html
valid "trial --json" trial "t$X.json" --json --csv o.csv
valid "trial replicates" trial "t$X.json" --replicates 3 --csv o.csv
valid "meta --json and plot" meta "s$X.csv" --json --plot o.svg

# a data file whose text is not UTF-8 is refused, naming the line and the byte
printf '# caf\xe9\nstudy,yi,sei\nA,0.1,0.2\nB,0.2,0.3\n' > "$D/latin1.csv"
(cd "$D" && "$GS" meta latin1.csv --json > "$TMP/out.txt" 2> "$TMP/err.txt")
rc=$?
if [ $rc = 2 ] && grep -q "line 1: byte 0xE9 is not UTF-8" "$TMP/err.txt" && [ ! -s "$TMP/out.txt" ]; then
    ok "a Latin-1 study table is refused naming line and byte"
else
    bad "a Latin-1 study table is refused naming line and byte" "exit $rc: $(cat "$TMP/err.txt")"
fi
finish
