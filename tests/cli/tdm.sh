#!/usr/bin/env bash
# tdm.sh - `gabasim tdm` through the real binary: the documented example (docs/tdm.md) estimates
# clearance beside the population's and recommends a dispensable regimen inside the label band;
# every output carries the clinical notice; JSON parses and agrees with the text; the dose to
# target on dialysis stays in the band; bad --level/--target values are one-line usage errors.
# usage: bash tdm.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: tdm.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"

EX=(tdm --drug gabapentin --dose 300mg --every 8h --days 2 --crcl 35 --age 70
    --level 6.1mg/L@38h --target trough=4mg/L --draws 0 --target-draws 50)
"$GS" "${EX[@]}" > "$TMP/t.txt" 2> "$TMP/e.txt" \
  && ok "the documented example exits 0" || bad "the documented example exits 0" "$(cat "$TMP/e.txt")"
expect_in "clearance beside the population's" "CL          2.1 L/h" "$TMP/t.txt"
expect_in "the label band for CrCl 35 (Neurontin 2.4: 400-1400 mg/day)" "400 to 1400 mg/day" "$TMP/t.txt"
expect_in "a dispensable regimen, twice daily as the band says" "mg every 12 h" "$TMP/t.txt"
expect_in "made of capsules" "capsule" "$TMP/t.txt"
expect_in "the clinical notice" "supports, and does not replace, a clinician's judgement" "$TMP/t.txt"

"$GS" "${EX[@]}" --json > "$TMP/t.json" 2> "$TMP/e.txt" \
  && ok "--json exits 0" || bad "--json exits 0" "$(cat "$TMP/e.txt")"
python3 - "$TMP/t.json" <<'PY' && ok "JSON: band respected, dose dispensable, notice present" || bad "JSON checks" "$(head -c 300 "$TMP/t.json")"
import json, sys
d = json.load(open(sys.argv[1]))
t = d["target"]
assert t["band_lo_mg_day"] <= t["daily_mg"] <= t["band_hi_mg_day"], t
assert t["dose_mg"] % 100 == 0, t
assert all(t["band_lo_mg_day"] <= c["dose_mg"] * c["per_day"] <= t["band_hi_mg_day"] for c in t["candidates"])
assert "clinician's judgement" in d["notice"]
cl = [p for p in d["parameters"] if p["name"] == "CL"][0]
assert cl["lo"] < cl["estimate"] < cl["hi"]
PY

# pregabalin on dialysis, an unreachable trough: the highest regimen inside the band, not above
"$GS" tdm --drug pregabalin --dialysis --dose 75mg --every 24h --days 3 --level 3mg/L@71h \
  --target trough=100mg/L --draws 0 --target-draws 50 --json > "$TMP/d.json" 2> "$TMP/e.txt" \
  && ok "dialysis target exits 0" || bad "dialysis target exits 0" "$(cat "$TMP/e.txt")"
python3 - "$TMP/d.json" <<'PY' && ok "dialysis: not reached, dose inside the band" || bad "dialysis band" "$(head -c 300 "$TMP/d.json")"
import json, sys
t = json.load(open(sys.argv[1]))["target"]
assert not t["reached"] and t["daily_mg"] <= t["band_hi_mg_day"] == 75, t
PY

usage_err "no level" "--level" tdm --drug gabapentin --dose 300mg --every 8h --days 2
usage_err "a level without a time" "CONC@TIME" tdm --drug gabapentin --dose 300mg --every 8h --days 2 --level 6.1mg/L
usage_err "a level in a wrong unit" "--level" tdm --drug gabapentin --dose 300mg --every 8h --days 2 --level 6.1mg@38h
usage_err "a bad target" "--target" tdm --drug gabapentin --dose 300mg --every 8h --days 2 --level 6.1mg/L@38h --target peak=4mg/L
usage_err "probability out of range" "--probability" tdm --drug gabapentin --dose 300mg --every 8h --days 2 --level 6.1mg/L@38h --probability 0.99
usage_err "too few draws" "--draws" tdm --drug gabapentin --dose 300mg --every 8h --days 2 --level 6.1mg/L@38h --draws 5

# issue 12 item 5: the same patient as a dataset through `population --data`: IPRED at 38 h is
# the MAP prediction `tdm` prints (6.644), IWRES its residual (-0.268); a subject without DV gets
# IPRED = PRED
printf 'ID,TIME,AMT,EVID,CMT,II,ADDL,DV,MDV,CRCL,AGE\n1,0,300,1,1,8,5,.,1,35,70\n1,38,.,0,2,.,.,6.1,0,35,70\n2,0,300,1,1,8,5,.,1,35,70\n2,38,.,0,2,.,.,.,0,35,70\n' > "$TMP/dv.csv"
"$GS" population --drug gabapentin --data "$TMP/dv.csv" --out "$TMP/dv_out.csv" 2> "$TMP/e.txt" &&
python3 - "$TMP/dv_out.csv" <<'PY' && ok "population --data: IPRED and IWRES as tdm prints them; no DV: IPRED = PRED" || bad "population --data with DV" "$(cat "$TMP/dv_out.csv" "$TMP/e.txt")"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["EVID"] == "0"]
assert f'{float(rows[0]["IPRED"]):.4g}' == "6.644", rows[0]
assert f'{float(rows[0]["IWRES"]):.3f}' == "-0.268", rows[0]
assert rows[1]["IPRED"] == rows[1]["PRED"] and rows[1]["IWRES"] == ".", rows[1]
assert rows[0]["SIMIPRED"] != "." and rows[0]["SIMDV"] != "."
PY

finish
