#!/usr/bin/env bash
# signals.sh - SIGINT, SIGTERM and SIGHUP during a long run leave no temporary file behind
# (issue 17 item 4): the previous outputs are kept byte for byte, the unfinished ones removed, and
# the process dies of the signal (exit status 128 + signal number). Writes only in a scratch
# directory.
#
# usage: bash signals.sh PATH_TO_GABASIM
set -u
GS=$(readlink -f "$1")
. "$(dirname "$0")/lib.sh"
export TMPDIR="$TMP/tmpdir"
mkdir -p "$TMPDIR"
# job control: a background job of a script otherwise starts with SIGINT ignored
set -m
# long enough (hundreds of thousands of subjects) that the signal comes mid-run; the test sends
# it as soon as the temporary files appear
RUN=(population --drug gabapentin --n 400000 --dose 300mg --every 8h --days 14 --quiet
     --summary-csv s.csv --percentiles-csv p.csv)

for sig in INT TERM HUP; do
    d="$TMP/$sig"
    mkdir -p "$d"
    printf 'previous summary\n' > "$d/s.csv"
    (cd "$d" && exec "$GS" "${RUN[@]}" > out.txt 2> err.txt) &
    pid=$!
    seen=0
    for _ in $(seq 200); do # up to 10 s
        if ls -A "$d" | grep -q '^\.s\.csv\.tmp\.' && ls -A "$d" | grep -q '^\.p\.csv\.tmp\.'; then
            seen=1
            break
        fi
        sleep 0.05
    done
    [ $seen = 1 ] && ok "SIG$sig: temporaries exist mid-run" \
        || bad "SIG$sig: temporaries exist mid-run" "$(ls -A "$d")"
    kill -s "$sig" "$pid"
    wait "$pid"
    rc=$?
    want=$((128 + $(kill -l "$sig")))
    [ "$rc" = "$want" ] && ok "SIG$sig: killed by the signal (exit $want)" \
        || bad "SIG$sig: killed by the signal (exit $want)" "exit $rc, $(head -c 300 "$d/err.txt")"
    left=$(ls -A "$d" "$TMPDIR" | grep '\.tmp\.')
    [ -z "$left" ] && ok "SIG$sig: no temporary file left" || bad "SIG$sig: no temporary file left" "$left"
    [ "$(cat "$d/s.csv")" = "previous summary" ] && ok "SIG$sig: the previous s.csv is kept" \
        || bad "SIG$sig: the previous s.csv is kept" "$(head -c 200 "$d/s.csv")"
    [ ! -e "$d/p.csv" ] && ok "SIG$sig: no partial p.csv" || bad "SIG$sig: no partial p.csv" "exists"
done

# an ignored signal (nohup) stays ignored: sent mid-run, it does not disturb the run
d="$TMP/ignored"
mkdir -p "$d"
trap '' HUP # inherited by the run as ignored
(cd "$d" && exec "$GS" population --drug gabapentin --n 20000 --dose 300mg --every 8h --days 14 \
    --quiet --summary-csv s.csv > out.txt 2> err.txt) &
pid=$!
trap - HUP
for _ in $(seq 200); do
    ls -A "$d" | grep -q '^\.s\.csv\.tmp\.' && break
    sleep 0.05
done
kill -s HUP "$pid" 2> /dev/null
wait "$pid"
rc=$?
[ "$rc" = 0 ] && [ -s "$d/s.csv" ] && ok "an ignored SIGHUP stays ignored" \
    || bad "an ignored SIGHUP stays ignored" "exit $rc, $(head -c 300 "$d/err.txt")"

# after SIGKILL (no handler runs) a later run writing the same file removes the temporaries
# untouched for a day, and only those: a younger one (a run still writing), another file's, and
# names that are not exactly ours stay
d="$TMP/stale"
mkdir -p "$d/sub"
touch -d '2 days ago' "$d/sub/.s.csv.tmp.AbC123" "$d/sub/.o.csv.tmp.AbC123" \
    "$d/sub/.s.csv.tmp.AbC1234"
touch "$d/sub/.s.csv.tmp.XyZ789"
(cd "$d" && "$GS" simulate --drug gabapentin --dose 300mg --every 8h --days 1 --csv sub/s.csv \
    > /dev/null 2>&1)
left=$(LC_ALL=C ls -A "$d/sub" | tr '\n' ' ')
[ "$left" = ".o.csv.tmp.AbC123 .s.csv.tmp.AbC1234 .s.csv.tmp.XyZ789 s.csv " ] \
    && ok "a stale temporary of the same output is removed, nothing else" \
    || bad "a stale temporary of the same output is removed, nothing else" "left: $left"

finish
