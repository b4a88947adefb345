#!/usr/bin/env bash
# nca.sh - `gabasim nca` through the real binary: the Theoph example against PKNCA's published
# results, the outputs (text, CSV, JSON, summary CSV, atomic files), a crossover, and bad input.
# usage: bash nca.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: nca.sh PATH_TO_GABASIM}")
EX=$(dirname "$(realpath "$0")")/../../examples
. "$(dirname "$(realpath "$0")")/lib.sh"

# PKNCA on datasets::Theoph (vignette "Introduction and Usage"): Cmax 8.65 [17.0] and AUCinf,obs
# 115 [28.4] (geometric mean [CV %]); subject 1 AUCinf,obs 214.92363 (book-ncar chapter 13).
"$GS" nca "$EX/theoph.csv" --auc 0-24 > "$TMP/t.txt" 2> "$TMP/e.txt" \
  && ok "nca exits 0" || bad "nca exit" "$(cat "$TMP/e.txt")"
expect_in "12 profiles" "theoph.csv: 12 profiles" "$TMP/t.txt"
expect_in "Cmax summary 8.65 [17.0]" "cmax                12      8.646    16.98" "$TMP/t.txt"
expect_in "AUCinf summary 115 [28.4]" "aucinf_obs          12      114.8    28.43" "$TMP/t.txt"
"$GS" nca "$EX/theoph.csv" --format csv --out "$TMP/t.csv" --summary-csv "$TMP/s.csv" > "$TMP/o.txt" \
  && [ ! -s "$TMP/o.txt" ] && ok "--out and --summary-csv print nothing" || bad "--out" "$(cat "$TMP/o.txt")"
[ "$(wc -l < "$TMP/t.csv")" = 13 ] && ok "CSV: header and 12 rows" || bad "CSV rows" "$(wc -l < "$TMP/t.csv")"
python3 - "$TMP/t.csv" "$TMP/s.csv" 2> "$TMP/pe.txt" <<'PY' && ok "CSV values: subject 1 AUCinf 214.92363, summary n 12" || bad "CSV values" "$(tail -1 "$TMP/pe.txt")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert abs(float(rows[0]["aucinf_obs"]) - 214.92363) < 5e-6, rows[0]
assert rows[0]["lz_n"] == "3" and rows[0]["auctau"] == "", rows[0]
s = [r for r in csv.DictReader(open(sys.argv[2])) if r["parameter"] == "cmax"][0]
assert s["n"] == "12" and abs(float(s["gmean"]) - 8.65) < 0.005, s
PY
"$GS" nca "$EX/theoph.csv" --format json --tau 24h > "$TMP/t.json" \
  && python3 - "$TMP/t.json" 2> "$TMP/je.txt" <<'PY' && ok "JSON parses; --tau gives steady-state values" || bad "JSON" "$(tail -1 "$TMP/je.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
p = d["profiles"][0]
assert d["options"]["tau_h"] == 24 and p["auctau"] > 0 and p["cl_f"] is None, p
assert abs(p["cavg"] - p["auctau"] / 24) < 1e-9 * p["cavg"]
assert d["bioequivalence"]["compared"] is False
PY
"$GS" nca - --format csv < "$EX/theoph.csv" | head -2 | tail -1 | grep -q '^1,' \
  && ok "standard input" || bad "stdin" "no row for subject 1"

# a crossover: 2x2 bioequivalence in every format
"$GS" nca "$EX/be-2x2.csv" > "$TMP/b.txt" && expect_in "crossover: verdict" "bioequivalent" "$TMP/b.txt"
"$GS" nca "$EX/be-2x2.csv" --format json | python3 -c '
import json, sys
b = json.load(sys.stdin)["bioequivalence"]
assert b["compared"] and [p["parameter"] for p in b["parameters"]] == ["auclast", "aucinf_obs", "cmax"]
assert all(p["lower90"] < p["ratio"] < p["upper90"] and p["df"] == 10 for p in b["parameters"])
' && ok "crossover JSON: three comparisons, CI around the ratio" || bad "crossover JSON" "see above"
"$GS" nca "$EX/be-2x2.csv" --reference X > "$TMP/bx.txt" && expect_in "unknown reference: said, not fatal" "not compared" "$TMP/bx.txt"

# an output that fails leaves the previous file untouched
echo previous > "$TMP/keep.csv"
printf 'ID,TIME,CONC\n1,0,abc\n' > "$TMP/bad.csv"
"$GS" nca "$TMP/bad.csv" --out "$TMP/keep.csv" 2> /dev/null
[ "$(cat "$TMP/keep.csv")" = previous ] && ok "failed run keeps --out" || bad "atomic" "$(cat "$TMP/keep.csv")"

"$GS" help nca > "$TMP/h.txt" && expect_in "gabasim help nca" "usage: gabasim nca FILE.csv" "$TMP/h.txt"
expect_in "help names the rule source" "docs/nca.md" "$TMP/h.txt"
# --summary-csv to standard output: the results are not printed over it
"$GS" nca "$EX/theoph.csv" --summary-csv - > "$TMP/so.txt" && head -1 "$TMP/so.txt" | grep -q '^group,parameter,n,gmean' \
  && ok "--summary-csv - alone on stdout" || bad "--summary-csv -" "$(head -2 "$TMP/so.txt")"

# bad input: one line naming file, line, column, value and what is allowed; exit 2
printf 'ID,TIME,CONC\n1,0,1\n1,1,abc\n' > "$TMP/bad.csv"
usage_err "a non-number" "bad.csv: line 3, column CONC: 'abc' is not a number; allowed plain decimals" nca "$TMP/bad.csv"
printf 'ID,TIME,CONC\n1,0,1\n1,-2,3\n' > "$TMP/bad.csv"
usage_err "a negative time" "line 3, column TIME: '-2' is not a time; allowed 0 to 1e7 h" nca "$TMP/bad.csv"
printf 'ID,TIME\n1,0\n' > "$TMP/bad.csv"
usage_err "no concentration column" "the header needs ID, TIME and DV (or CONC)" nca "$TMP/bad.csv"
printf 'ID,TIME,CONC,DOSE\n1,0,0,100\n1,1,5,200\n' > "$TMP/bad.csv"
usage_err "two doses in one profile" "line 3, column DOSE: '200' differs from the dose 100 on line 2" nca "$TMP/bad.csv"
usage_err "no file" "give one concentration file" nca
usage_err "missing file" "cannot open" nca "$TMP/none.csv"
usage_err "--auc" "'--auc' is '24-0'; allowed A-B in hours" nca "$EX/theoph.csv" --auc 24-0
usage_err "--blq" "'--blq' has 'first=keep'; allowed first=, middle= or last=" nca "$EX/theoph.csv" --blq first=keep
usage_err "--method" "method" nca "$EX/theoph.csv" --method spline
usage_err "--out is the input" "FILE" nca "$EX/theoph.csv" --out "$EX/theoph.csv"
finish
