#!/usr/bin/env bash
# dataset_nonmem.sh - `population --data` reads a dataset as NONMEM does (docs/datasets.md),
# through the real binary: a patient option a covariate column overrides is an error naming
# both, unread columns are listed in one note, text columns are dropped on request, the covariate
# fill is chosen by --covariates nocb|locf, and records at one TIME keep their file order.
# usage: bash dataset_nonmem.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: dataset_nonmem.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"

D="$TMP/d.csv"
printf 'ID,TIME,AMT,EVID,CMT,DV,AGE,SEX,WT,SCR\n1,0,300,1,1,.,60,0,80,1.0\n1,3,.,0,2,.,.,.,.,.\n1,24,.,0,2,.,.,.,.,2.0\n' > "$D"

usage_err "--crcl with a covariate column names both" "'--crcl' and column AGE" \
  population --drug gabapentin --data "$D" --crcl 30
usage_err "--covariates with --data takes nocb or locf" "allowed nocb" \
  population --drug gabapentin --data "$D" --covariates sometimes
usage_err "--drop names a column of the file" "'--drop' names 'NOPE'" \
  population --drug gabapentin --data "$D" --drop NOPE
usage_err "--drop goes with --data" "'--drop' goes with '--data'" \
  population --drug gabapentin --n 10 --dose 300mg --every 8h --days 1 --drop DATE

# a text column: refused with the way out named, then dropped by --drop or NAME=DROP
T="$TMP/t.csv"
printf 'ID,TIME,AMT,EVID,CMT,DATE,CLCR\n1,0,300,1,1,2024-01-01,80\n1,3,.,0,2,2024-01-01,80\n' > "$T"
usage_err "a text column names --drop" "'--drop DATE'" population --drug gabapentin --data "$T"
"$GS" population --drug gabapentin --data "$T" --drop date > "$TMP/t.out" 2> "$TMP/t.err" &&
  grep -q '^1,3,\.,0,2,2024-01-01,80,' "$TMP/t.out" && ok "--drop DATE: kept as text, written back" ||
  bad "--drop DATE" "$(cat "$TMP/t.err")"
[ "$(wc -l < "$TMP/t.err")" = 1 ] && grep -q '^gabasim: note: columns not read: CLCR ' "$TMP/t.err" &&
  ok "CLCR (for CRCL) listed in one note" || bad "unread-column note" "$(cat "$TMP/t.err")"
sed '1s/DATE/DATE=DROP/' "$T" > "$TMP/t2.csv"
"$GS" population --drug gabapentin --data "$TMP/t2.csv" 2> /dev/null | cut -d, -f1-5,8- > "$TMP/t2.out"
cut -d, -f1-5,8- "$TMP/t.out" > "$TMP/t1.out"
sed -i '1s/DATE=DROP/DATE/' "$TMP/t2.out"
cmp -s "$TMP/t1.out" "$TMP/t2.out" && ok "DATE=DROP in the header is --drop DATE" ||
  bad "DATE=DROP" "$(diff "$TMP/t1.out" "$TMP/t2.out" | head -3)"

# NOCB (default) and LOCF differ after a covariate change; LOCF is the old reading
"$GS" population --drug gabapentin --data "$D" > "$TMP/nocb.csv" 2> /dev/null &&
  "$GS" population --drug gabapentin --data "$D" --covariates locf > "$TMP/locf.csv" 2> /dev/null &&
  "$GS" population --drug gabapentin --data "$D" --covariates NOCB > "$TMP/nocb2.csv" 2> /dev/null &&
  cmp -s "$TMP/nocb.csv" "$TMP/nocb2.csv" &&
  [ "$(sed -n 3p "$TMP/nocb.csv")" = "$(sed -n 3p "$TMP/locf.csv")" ] &&
  [ "$(sed -n 4p "$TMP/nocb.csv")" != "$(sed -n 4p "$TMP/locf.csv")" ] &&
  ok "--covariates nocb is the default; locf differs only after the change" ||
  bad "nocb/locf" "$(paste -d'|' "$TMP/nocb.csv" "$TMP/locf.csv")"

# an IV bolus with observations before and after it at one TIME: file order
printf 'ID,TIME,AMT,EVID,CMT\n1,0,100,1,2\n1,5,.,0,2\n1,5,100,1,2\n1,5,.,0,2\n' > "$TMP/iv.csv"
"$GS" population --drug pregabalin --data "$TMP/iv.csv" --variability 0 > "$TMP/iv.out" 2> "$TMP/iv.err"
python3 - "$TMP/iv.out" <<'PY' && ok "IV bolus at one TIME: observation before it, then after it" || bad "same-TIME order" "$(cat "$TMP/iv.out" "$TMP/iv.err")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
before, after = float(rows[1]["PRED"]), float(rows[3]["PRED"])
assert after > before * 1.5, (before, after)
PY

finish
