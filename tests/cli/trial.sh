#!/usr/bin/env bash
# trial.sh - `gabasim trial` through the real binary: the example trial's published design, the
# outputs (text, JSON, CSV, plot), replicates fed to `gabasim meta`, thread invariance, and bad
# input. usage: bash trial.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: trial.sh PATH_TO_GABASIM}")
EX=$(dirname "$(realpath "$0")")/../../examples
. "$(dirname "$(realpath "$0")")/lib.sh"
SPEC="$EX/clbp-gabapentin-trial.json"

# ---- one trial: Atkinson 2016's design (docs/reference.md section 5): 108 randomized, 55/53
"$GS" trial "$SPEC" > "$TMP/t.txt" 2> "$TMP/e.txt" && ok "trial exits 0" || bad "trial" "$(cat "$TMP/e.txt")"
expect_in "108 randomized" "Randomized                                  108" "$TMP/t.txt"
expect_in "allocated 55 and 53" "Allocated                                    55             53" "$TMP/t.txt"
for s in "Participant flow (CONSORT)" "Table 1. Baseline characteristics" "Primary endpoint" \
  "Responders at week 12" "Side effects" "Pain by visit" "does not replace"; do
  expect_in "section: $s" "$s" "$TMP/t.txt"
done
"$GS" trial "$SPEC" --json > "$TMP/t.json" --csv "$TMP/p.csv" --plot "$TMP/pain.svg" \
  && ok "JSON, CSV and plot together" || bad "json/csv/plot" "exit $?"
if python3 - "$TMP/t.json" "$TMP/p.csv" "$TMP/t.txt" 2> "$TMP/je.txt" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
a = d["arms"]
assert d["flow"]["randomized"] == 108 and [x["allocated"] for x in a] == [55, 53], d["flow"]
assert d["flow"]["assessed"] == 108 + d["flow"]["excluded_age"] + d["flow"]["excluded_crcl"] + d["flow"]["excluded_pain"]
for x in a:
    assert x["completed"] + sum(x["discontinued"].values()) == x["allocated"], x
    assert [v["week"] for v in x["visits"]] == [1, 2, 3, 4, 5, 7, 9, 12]
    assert 21 <= x["baseline"]["age_y"]["mean"] <= 70
p = d["primary"]
assert p["ci"][0] < p["difference"] < p["ci"][1] and 0 < p["p"] < 1 and p["df"] > 0, p
rows = list(csv.DictReader(open(sys.argv[2])))
assert len(rows) == 108 and sum(r["arm"] == "gabapentin" for r in rows) == 55
assert all(21 <= float(r["age_y"]) <= 70 and float(r["crcl_ml_min"]) >= 60 for r in rows)
# the text and the JSON report the same difference
txt = open(sys.argv[3]).read()
assert "Difference, gabapentin minus placebo: %.2f" % p["difference"] in txt
# a participant who discontinued has no visit after the day they left
for r in rows:
    if r["drop_reason"] != "none":
        day = int(r["drop_day"])
        for w in (1, 2, 3, 4, 5, 7, 9, 12):
            if 7 * w > day:
                assert r["pain_week%d" % w] == "NA", r
PY
then ok "JSON and CSV: flow adds up, design, dropout censors visits"; else bad "JSON/CSV" "$(tail -2 "$TMP/je.txt")"; fi
grep -q "<svg" "$TMP/pain.svg" && ok "pain-by-visit plot is SVG" || bad "plot" "no SVG"

# ---- replicates: identical for any thread count; the CSV goes straight into `gabasim meta`
"$GS" trial "$SPEC" --replicates 40 --threads 1 --json > "$TMP/r1.json"
"$GS" trial "$SPEC" --replicates 40 --threads 2 --json > "$TMP/r2.json"
cmp -s "$TMP/r1.json" "$TMP/r2.json" && ok "replicates: 1 and 2 threads give identical output" \
  || bad "threads" "outputs differ"
"$GS" trial "$SPEC" --replicates 40 --n-grid 30,60 --observed -0.5 --csv "$TMP/reps.csv" \
  --plot "$TMP/power.svg" > "$TMP/r.txt" && ok "replicates with n-grid, observed, csv, plot" \
  || bad "replicates" "exit $?"
expect_in "power reported" "Power: " "$TMP/r.txt"
expect_in "power curve at N 60" "         60 " "$TMP/r.txt"
expect_in "share as extreme as observed" "at least as extreme as the observed -0.500" "$TMP/r.txt"
grep -q "<svg" "$TMP/power.svg" && ok "power curve plot" || bad "power plot" "no SVG"
[ "$(head -1 "$TMP/reps.csv")" = "study,yi,sei" ] && [ "$(wc -l < "$TMP/reps.csv")" = 41 ] \
  && ok "replicates CSV: study,yi,sei, one row each" || bad "reps csv" "$(head -2 "$TMP/reps.csv")"
"$GS" meta "$TMP/reps.csv" > "$TMP/m.txt" 2> "$TMP/me.txt" && expect_in "meta pools the replicates" "40 studies" "$TMP/m.txt" \
  || bad "meta on replicates" "$(cat "$TMP/me.txt")"

# ---- bad input: a spec derived from the example with one change each
# every case is written here by one python3 process (one per case took most of this test's time):
# NAME|python statement on d, the parsed example; the file is $TMP/NAME.json
python3 - "$SPEC" "$TMP" <<'PY'
import json, sys
spec, tmp = sys.argv[1], sys.argv[2]
for line in """
  drug|d['arms'][0]['drug'] = 'gabapentine'
  type|d['arms'][1]['type'] = 'sham'
  nzero|d['arms'][0]['n'] = 0
  nneg|d['arms'][1]['n'] = -5
  order|d['visit_weeks'] = [1, 3, 2, 12]
  beyond|d['visit_weeks'] = [1, 2, 14]
  alpha0|d['analysis']['alpha'] = 0
  alpha1|d['analysis']['alpha'] = 1.5
  key|d['visit_week'] = [12]
  arms3|d['arms'].append(dict(d['arms'][1], name='p2'))
  twoplac|d['arms'][0] = {'name': 'p0', 'type': 'placebo', 'n': 10}
  label|d['inclusion']['crcl_ml_min'] = [30, 250]
  titr|d['arms'][0]['titrate'] = '1:300mg'
  strat|d['randomization'] = {'method': 'fixed', 'stratify': ['pain_type']}
  strict|d['inclusion']['age_y'] = [69.99, 70]
  n1|d['arms'][0]['n'] = 1
  blocks|d['randomization'] = {'method': 'blocks'}
  bsfixed|d['randomization'] = {'method': 'fixed', 'block_size': 4}
  tiny|d['analysis']['alpha'] = 1e-20
  one|d['analysis']['alpha'] = 0.6; d['analysis']['sided'] = 1
  alphaobj|d['analysis']['alpha'] = {'value': 0.01, 'source': 'protocol'}
  long|d['duration_weeks'] = 53; d['visit_weeks'] = [1, 53]
  late|d['arms'][0]['titrate'] = '1:300mgx1,90:600mgx3'
  pdrug|d['population'] = 'nope'
  plactit|d['arms'][1]['titration'] = 'forced'
  weekly|d['duration_weeks'] = 6; del d['visit_weeks']
  alldrop|d['dropout'] = {'lost_per_week': 1}
  comma|d['arms'][0]['name'] = 'gaba, high'
""".strip().splitlines():
    name, edit = line.strip().split("|", 1)
    d = json.load(open(spec))
    exec(edit)
    json.dump(d, open("%s/%s.json" % (tmp, name), "w"))
PY
usage_err "unknown drug" "gabapentine" trial "$TMP/drug.json"
usage_err "unknown arm type" "allowed: placebo, drug" trial "$TMP/type.json"
usage_err "N = 0" "arms[0].n' is 0" trial "$TMP/nzero.json"
usage_err "N < 0" "arms[1].n' is -5" trial "$TMP/nneg.json"
usage_err "visit weeks out of order" "strictly increasing" trial "$TMP/order.json"
usage_err "visit beyond the duration" "visit_weeks[2]' is 14" trial "$TMP/beyond.json"
usage_err "alpha 0" "analysis.alpha' is 0" trial "$TMP/alpha0.json"
usage_err "alpha 1.5" "strictly between 0 and 1" trial "$TMP/alpha1.json"
usage_err "a misspelt key is refused, not ignored" "unknown key 'visit_week'" trial "$TMP/key.json"
usage_err "three arms" "exactly 2 arms" trial "$TMP/arms3.json"
usage_err "two placebo arms" "both arms are placebo" trial "$TMP/twoplac.json"
usage_err "titration above the label maximum at the lowest CrCl" "above the gabapentin label's maximum" trial "$TMP/label.json"
usage_err "malformed titration" "arms[0].titrate" trial "$TMP/titr.json"
usage_err "stratification needs blocks" "needs \"method\": \"blocks\"" trial "$TMP/strat.json"
usage_err "inclusion nobody meets" "inclusion criteria" trial "$TMP/strict.json"
printf '{"schema": "gabasim-trial/1", "arms": [' > "$TMP/trunc.json"
usage_err "truncated JSON" "malformed JSON" trial "$TMP/trunc.json"
usage_err "missing spec file" "no-such.json" trial "$TMP/no-such.json"
usage_err "no spec" "give one trial specification" trial
usage_err "replicates 0" "--replicates" trial "$SPEC" --replicates 0
usage_err "n-grid without replicates" "needs --replicates" trial "$SPEC" --n-grid 10,20
usage_err "n-grid value 1" "--n-grid' value '1'" trial "$SPEC" --replicates 5 --n-grid 1,20
usage_err "observed out of range" "--observed" trial "$SPEC" --replicates 5 --observed 11
usage_err "plot extension" ".svg or .png" trial "$SPEC" --plot pain.pdf
usage_err "replicates plot without n-grid" "add --n-grid" trial "$SPEC" --replicates 5 --plot p.svg
usage_err "csv into a missing directory" "--csv" trial "$SPEC" --csv /nonexistent/dir/p.csv
usage_err "N = 1 (the analysis needs 2)" "allowed a whole number from 2 to 100000" trial "$TMP/n1.json"
usage_err "1:1 blocks with unequal arms" "blocks allocate 1:1" trial "$TMP/blocks.json"
usage_err "block size with fixed randomization" "applies to" trial "$TMP/bsfixed.json"
usage_err "alpha below 1e-10" "at least 1e-10" trial "$TMP/tiny.json"
usage_err "one-sided alpha 0.6" "below 0.5 when sided is 1" trial "$TMP/one.json"
"$GS" trial "$TMP/alphaobj.json" > "$TMP/ao.txt" && expect_in "alpha written with its source" "at alpha 0.01" "$TMP/ao.txt" \
  || bad "alpha object" "exit $?"
usage_err "53 weeks" "from 1 to 52" trial "$TMP/long.json"
usage_err "a titration step after the trial" "after the trial's last day" trial "$TMP/late.json"
usage_err "unknown population names the field and file" "'population' is 'nope'" trial "$TMP/pdrug.json"
usage_err "titration on a placebo arm" "placebo arm" trial "$TMP/plactit.json"
"$GS" trial "$TMP/weekly.json" > "$TMP/wk.txt" && expect_in "visits default to every week of the trial" "Responders at week 6" "$TMP/wk.txt" \
  || bad "weekly default" "exit $?"
# everybody lost before the first visit: the analysis is not estimable (exit 1, said), and
# replicates count it as not significant instead of printing NaN
"$GS" trial "$TMP/alldrop.json" > "$TMP/ad.txt" 2> "$TMP/ade.txt"
[ $? = 1 ] && grep -q "not estimable" "$TMP/ade.txt" && [ ! -s "$TMP/ad.txt" ] && ok "no one observed: not estimable, exit 1" \
  || bad "all dropped" "$(cat "$TMP/ade.txt")"
"$GS" trial "$TMP/alldrop.json" --replicates 4 > "$TMP/adr.txt" 2>&1 && expect_in "replicates: counted as not estimable" "Not estimable (too few analysed, counted as not significant): all 4" "$TMP/adr.txt" \
  || bad "all dropped replicates" "$(cat "$TMP/adr.txt")"
if grep -qi "nan" "$TMP/adr.txt"; then bad "no NaN printed" "$(grep -i nan "$TMP/adr.txt")"; else ok "no NaN printed"; fi
# an arm name with a comma is quoted in the participant CSV
"$GS" trial "$TMP/comma.json" --csv "$TMP/comma.csv" > /dev/null
python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert r[0]["arm"] in ("gaba, high", "placebo") and len(r[0]) == len(r[1]), r[0]' "$TMP/comma.csv" 2> "$TMP/ce.txt" \
  && ok "CSV quotes an arm name with a comma" || bad "csv quoting" "$(tail -1 "$TMP/ce.txt")"
# MMRM's default rule names what it used: unstructured + Kenward-Roger with 55/53 randomized,
# heterogeneous compound symmetry + CR2 with 20 per arm (fewer than 20 per arm at the last visit)
POW="$EX/clbp-gabapentin-power-trial.json"
"$GS" trial "$POW" > "$TMP/mu.txt" 2>&1
expect_in "MMRM used: unstructured on the published size" "Used here: unstructured covariance, Kenward-Roger" "$TMP/mu.txt"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); [a.__setitem__("n", 20) for a in d["arms"]]; json.dump(d, open(sys.argv[2], "w"))' "$POW" "$TMP/small.json"
"$GS" trial "$TMP/small.json" --json > "$TMP/mu.json" 2>&1
python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["primary"]["mmrm_used"]; assert u == "heterogeneous compound-symmetry covariance, CR2 sandwich", u' "$TMP/mu.json" 2> "$TMP/mue.txt" \
  && ok "MMRM used: heterogeneous CS + CR2 with 20 per arm (JSON)" || bad "mmrm_used small" "$(tail -1 "$TMP/mue.txt")"
finish
