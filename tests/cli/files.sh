#!/usr/bin/env bash
# files.sh - output destinations as a Unix tool treats them: '-' is standard output; a device or
# a FIFO is written in place and never replaced; a regular file is replaced whole, only when the
# output is complete; a symbolic link's target is written, the link kept; a failed write to a
# device is an error. Device nodes and FIFOs are made in a scratch directory (never /dev).
#
# usage: bash files.sh PATH_TO_GABASIM
set -u
GS=$(readlink -f "$1")
. "$(dirname "$0")/lib.sh"
export TMPDIR="$TMP/tmpdir" # the copies of stream outputs are made here: it must end empty
mkdir -p "$TMPDIR"
cd "$TMP" || exit 2
SIM=(simulate --drug gabapentin --dose 300mg --every 8h --days 1)

"$GS" "${SIM[@]}" --csv ref.csv --plot ref.svg > /dev/null || bad "reference outputs" "exit $?"

# '-' is standard output, for CSV and for plots (SVG), and no file named '-' appears
"$GS" "${SIM[@]}" --csv - > stdout.txt
cmp -s stdout.txt ref.csv && ok "--csv - writes the CSV to stdout" \
    || bad "--csv - writes the CSV to stdout" "$(head -c 200 stdout.txt)"
"$GS" "${SIM[@]}" --plot - > plot.txt
cmp -s plot.txt ref.svg && ok "--plot - writes the SVG to stdout" \
    || bad "--plot - writes the SVG to stdout" "$(head -c 100 plot.txt)"
[ ! -e ./- ] && ok "no file named '-'" || bad "no file named '-'" "found one"

# a character device (the null device, made here) is written in place and stays a device
if mknod "$TMP/null" c 1 3 2> /dev/null; then
    "$GS" "${SIM[@]}" --csv "$TMP/null" --plot "$TMP/null" > /dev/null
    rc=$?
    [ $rc = 0 ] && [ -c "$TMP/null" ] && ok "a device node is written in place, not replaced" \
        || bad "a device node is written in place" "exit $rc, $(ls -l "$TMP/null")"
    # the full device: the write fails, exit 1 with one error line naming the destination
    mknod "$TMP/full" c 1 7
    "$GS" "${SIM[@]}" --csv "$TMP/full" > out.txt 2> err.txt
    rc=$?
    [ $rc = 1 ] && grep -q "^gabasim: error: writing '$TMP/full' failed" err.txt && [ -c "$TMP/full" ] \
        && ok "a failed write to a device is an error (exit 1)" \
        || bad "a failed write to a device is an error" "exit $rc, $(cat err.txt)"
else
    bad "mknod" "cannot make device nodes here (tests run as root)"
fi

# a FIFO: the reader gets exactly the CSV; the FIFO is still a FIFO
mkfifo fifo
cat fifo > from-fifo.csv &
reader=$!
"$GS" "${SIM[@]}" --csv fifo > /dev/null
rc=$?
wait $reader
[ $rc = 0 ] && [ -p fifo ] && cmp -s from-fifo.csv ref.csv && ok "a FIFO gets the CSV in place" \
    || bad "a FIFO gets the CSV in place" "exit $rc"

# /dev/stdout: written in place (never renamed over, whatever stdout is)
"$GS" "${SIM[@]}" --csv /dev/stdout > devstdout.txt
rc=$?
[ $rc = 0 ] && [ -L /dev/stdout ] && cmp -s devstdout.txt ref.csv \
    && ok "--csv /dev/stdout writes to stdout and keeps the link" \
    || bad "--csv /dev/stdout" "exit $rc"

# a regular file is replaced whole; a run that fails leaves the previous file untouched
echo old > keep.csv
"$GS" "${SIM[@]}" --csv keep.csv --plot bad.txt > /dev/null 2>&1
[ "$(cat keep.csv)" = old ] && ok "a failed run keeps the previous file" \
    || bad "a failed run keeps the previous file" "$(head -c 80 keep.csv)"
"$GS" "${SIM[@]}" --csv keep.csv > /dev/null
cmp -s keep.csv ref.csv && ok "a regular file is replaced by the complete output" \
    || bad "a regular file is replaced" "differs"

# a symbolic link to a regular file: the target is written, the link stays a link
mkdir -p sub && echo old > sub/target.csv && ln -s sub/target.csv link.csv
"$GS" "${SIM[@]}" --csv link.csv > /dev/null
[ -L link.csv ] && cmp -s sub/target.csv ref.csv && ok "a symlink's target is written, the link kept" \
    || bad "a symlink's target is written" "$(ls -l link.csv sub)"

# a dangling symbolic link: the file it names is created, the link kept; a link named .svg to a
# target of another name: the format follows the name given
ln -s made-later.csv dangling.csv
"$GS" "${SIM[@]}" --csv dangling.csv > /dev/null
[ -L dangling.csv ] && cmp -s made-later.csv ref.csv && ok "a dangling link's file is created" \
    || bad "a dangling link's file is created" "$(ls -l dangling.csv made-later.csv 2>&1)"
ln -s plot-target plot-link.svg
"$GS" "${SIM[@]}" --plot plot-link.svg > /dev/null 2> err.txt && [ -L plot-link.svg ] \
    && cmp -s plot-target ref.svg && ok "a link's format follows the name given" \
    || bad "a link's format follows the name given" "$(cat err.txt)"

# one standard output: two outputs there, or one with --json, are usage errors; two outputs
# into one regular file too (one would be lost); into one device is fine (checked above)
usage_err "two outputs to standard output" "'--csv' and '--plot' both write '-'" "${SIM[@]}" --csv - --plot -
usage_err "an output and --json on standard output" "'--json' and '--csv' both write standard output" \
    "${SIM[@]}" --csv - --json
usage_err "two outputs into one file" "'--csv' and '--plot' both write 'same.svg'" \
    "${SIM[@]}" --csv same.svg --plot same.svg
usage_err "population: two outputs to standard output" "both write" population --drug pregabalin \
    --n 10 --dose 150mg --every 12h --days 2 --summary-csv - --percentiles-csv -
# an output on standard output replaces the report there: only the CSV is printed
"$GS" "${SIM[@]}" --csv - > only.csv
cmp -s only.csv ref.csv && ok "--csv - prints the CSV alone" || bad "--csv - prints the CSV alone" \
    "$(tail -3 only.csv)"

# a failed in-place copy (a full device) leaves no new regular file beside it
if [ -c "$TMP/full" ]; then
    "$GS" "${SIM[@]}" --csv fresh.csv --plot "$TMP/full" > /dev/null 2>&1
    rc=$?
    [ $rc = 1 ] && [ ! -e fresh.csv ] && ok "a failed copy into a device leaves no new file" \
        || bad "a failed copy into a device leaves no new file" "exit $rc, $(ls fresh.csv 2>&1)"
fi

[ -z "$(ls -A "$TMPDIR")" ] && ok "no temporary files left" || bad "no temporary files left" "$(ls -A "$TMPDIR")"
[ -z "$(ls -A . | grep '\.tmp\.')" ] && ok "no temporary files beside the outputs" \
    || bad "no temporary files beside the outputs" "$(ls -A .)"
finish
