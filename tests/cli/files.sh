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
head -n "$(wc -l < ref.csv)" stdout.txt | cmp -s - ref.csv && ok "--csv - writes the CSV to stdout" \
    || bad "--csv - writes the CSV to stdout" "$(head -c 200 stdout.txt)"
"$GS" "${SIM[@]}" --plot - > plot.txt
head -c "$(wc -c < ref.svg)" plot.txt | cmp -s - ref.svg && ok "--plot - writes the SVG to stdout" \
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
[ $rc = 0 ] && [ -L /dev/stdout ] && head -n "$(wc -l < ref.csv)" devstdout.txt | cmp -s - ref.csv \
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

[ -z "$(ls -A "$TMPDIR")" ] && ok "no temporary files left" || bad "no temporary files left" "$(ls -A "$TMPDIR")"
[ -z "$(ls -A . | grep '\.tmp\.')" ] && ok "no temporary files beside the outputs" \
    || bad "no temporary files beside the outputs" "$(ls -A .)"
finish
