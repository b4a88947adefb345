#!/usr/bin/env bash
# label_check.sh - `simulate` and `population` check the regimen against the label's band for the
# patient's kidney function and its maximum daily dose, and put the predicted trough beside the
# drug file's laboratory reference range (issue 10, item 5). The bands and maxima checked are the
# labels': Neurontin label 2.4 (CrCl 15-29 mL/min: 200-700 mg/day, once a day; CrCl >= 60:
# 900-3600 mg/day, three times a day) and 2.1/2.2 (at most 3600 mg/day); Lyrica label 2.x
# (CrCl 30-60: 75-300 mg/day). The reference range is the laboratories' 2-20 mg/L for gabapentin
# (ARUP test 0090057; Patsalos et al., Epilepsia 2008).
# usage: bash label_check.sh GABASIM
set -u
GS=$(realpath "${1:?usage: label_check.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
sim() { # name, args...: text output to $TMP/name.txt
  local name=$1
  shift
  "$GS" "$@" > "$TMP/$name.txt" 2> "$TMP/$name.err" || bad "$name exits 0" "$(cat "$TMP/$name.err")"
}
lacks() { # description, needle, file
  if grep -qF -- "$2" "$3"; then bad "$1" "'$2' found in $(grep -F -- "$2" "$3" | head -2)"; else ok "$1"; fi
}

# 1200 mg three times a day (3600 mg/day) at CrCl 20: above the 700 mg/day band maximum, and the
# band gives one dose a day; the trough (about 37 mg/L) is above the 2-20 mg/L range.
sim high simulate --drug gabapentin --dose 1200mg --every 8h --days 7 --crcl 20
expect_in "CrCl 20: above the band's 700 mg/day" "WARNING: maintenance 3600 mg/day is above the label's 700 mg/day" "$TMP/high.txt"
expect_in "CrCl 20: one dose a day" "the label gives 1 a day" "$TMP/high.txt"
expect_in "CrCl 20: the range is shown" "laboratory reference range 2-20 mg/L" "$TMP/high.txt"
expect_in "CrCl 20: the trough is above it" "steady-state trough" "$TMP/high.txt"
grep -q "trough, [0-9.]* mg/L, is above it" "$TMP/high.txt" && ok "CrCl 20: trough above the range" ||
  bad "CrCl 20: trough above the range" "$(grep trough "$TMP/high.txt")"
expect_in "the caveat is printed" "not a target" "$TMP/high.txt"

# The label's own starting regimen for CrCl >= 60 (300 mg three times a day) is inside the band.
sim ok simulate --drug gabapentin --dose 300mg --every 8h --days 3 --crcl 90
expect_in "300 mg x3 at CrCl 90 is within the label" "within the label for this kidney function" "$TMP/ok.txt"
lacks "no warning for the label's own start" "WARNING" "$TMP/ok.txt"
grep -q "trough, [0-9.]* mg/L, is within it" "$TMP/ok.txt" && ok "300 mg x3: trough within 2-20 mg/L" ||
  bad "300 mg x3: trough within 2-20 mg/L" "$(grep trough "$TMP/ok.txt")"

# Above the absolute maximum (a 1600 mg dose three times a day = 4800 mg/day > 3600).
sim max simulate --drug gabapentin --dose 1600mg --every 8h --days 3 --crcl 100
expect_in "4800 mg/day is above the label's maximum" "is above the label's maximum of 3600 mg/day" "$TMP/max.txt"

# Pregabalin 150 mg twice a day (300 mg/day) at CrCl 45 is the band's top column: within; 300 mg
# twice a day (600 mg/day) is above the band's 300.
sim pgb_ok simulate --drug pregabalin --dose 150mg --every 12h --days 3 --crcl 45
expect_in "pregabalin 300 mg/day at CrCl 45 within" "within the label for this kidney function" "$TMP/pgb_ok.txt"
sim pgb_hi simulate --drug pregabalin --dose 300mg --every 12h --days 3 --crcl 45
expect_in "pregabalin 600 mg/day at CrCl 45 above the band" "above the label's 300 mg/day" "$TMP/pgb_hi.txt"

# A single dose: only the maximum is checked; no steady-state trough to compare.
sim one simulate --drug gabapentin --dose 600mg --doses 1
expect_in "single dose within the maximum" "a single dose within the label's maximum daily dose" "$TMP/one.txt"
expect_in "single dose: no trough to compare" "no steady-state trough to compare" "$TMP/one.txt"

# JSON carries the same check.
"$GS" simulate --drug gabapentin --dose 1200mg --every 8h --days 7 --crcl 20 --json > "$TMP/high.json"
python3 - "$TMP/high.json" <<'PY' && ok "simulate --json: label_check warnings and trough above" || bad "simulate --json label_check" "see above"
import json, sys
c = json.load(open(sys.argv[1]))["label_check"]
assert c["has_rules"] and not c["single_dose"]
assert [f["level"] for f in c["findings"]][:2] == ["warning", "warning"], c["findings"]
r = c["reference_range"]
assert (r["low_mg_L"], r["high_mg_L"]) == (2, 20) and r["trough_is"] == "above" and r["trough_mg_L"] > 20, r
PY

# population: one patient gets the same findings; drawn covariates count subjects above their band.
"$GS" population --drug gabapentin --dose 1200mg --every 8h --days 7 --n 200 --crcl 20 > "$TMP/pop.txt" 2>&1
expect_in "population, one patient: the band warning" "above the label's 700 mg/day" "$TMP/pop.txt"
expect_in "population: the subjects' troughs beside the range" "troughs of the subjects:" "$TMP/pop.txt"
"$GS" population --drug gabapentin --dose 1200mg --every 8h --days 7 --n 300 --covariates clbp-atkinson2016 --json > "$TMP/popc.json"
"$GS" population --drug gabapentin --dose 300mg --every 8h --days 7 --n 300 --covariates clbp-atkinson2016 --json > "$TMP/popl.json"
python3 - "$TMP/popc.json" "$TMP/popl.json" <<'PY' && ok "population covariates: 3600 mg/day is above some subjects' bands, 900 mg/day above none" || bad "population covariates n_above_band" "see above"
import json, sys
hi = json.load(open(sys.argv[1]))["label_check"]
lo = json.load(open(sys.argv[2]))["label_check"]
# 3600 mg/day is inside the >= 60 band, so only subjects with CrCl < 60 count: some, not all
assert 0 < hi["n_above_band"] < 300, hi["n_above_band"]
# 900 mg/day is above the 15-29 band (700) and the < 15 band: count only those subjects
assert lo["n_above_band"] < hi["n_above_band"], (lo["n_above_band"], hi["n_above_band"])
assert 0 <= hi["share_trough_below_range"] <= 1 and 0 <= hi["share_trough_above_range"] <= 1
PY
# `drugs NAME` shows what the checks use: the range, the strengths, the dialysis clearance.
"$GS" drugs gabapentin > "$TMP/drug.txt" 2>&1
expect_in "drugs: the reference range" "laboratory reference range: 2-20 mg/L" "$TMP/drug.txt"
expect_in "drugs: the marketed strengths" "marketed strengths" "$TMP/drug.txt"
expect_in "drugs: the dialysis clearance" "dialysis clearance during a haemodialysis session" "$TMP/drug.txt"
finish
