#!/usr/bin/env bash
# nan_degenerate.sh - degenerate but valid inputs never print nan or inf: a statistic that is not
# defined is said in words (text) and is null with a reason (JSON); inputs outside the range where
# the computation is defined are refused at load with one line naming the field (issue 17, items 7
# and 8). usage: bash nan_degenerate.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: nan_degenerate.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
SCHEMAS=$ROOT/docs/schemas
. "$(dirname "$(realpath "$0")")/lib.sh"
i=0
# text DESC WANT ARGS...: exit 0, no nan/inf in stdout, WANT (if not empty) in it
text() {
  local desc=$1 want=$2
  shift 2
  i=$((i + 1))
  local out="$TMP/t$i.txt"
  if ! "$GS" "$@" > "$out" 2> "$TMP/t$i.err"; then bad "$desc" "exit $?: $(cat "$TMP/t$i.err")"; return; fi
  local hit
  hit=$(grep -nEi '(^|[^a-z/])-?(nan|inf)([^a-z/]|$)' "$out" | head -2)
  if [ -n "$hit" ]; then bad "$desc: no nan/inf" "$hit"; else ok "$desc: no nan/inf"; fi
  [ -z "$want" ] || expect_in "$desc: says '$want'" "$want" "$out"
}
# json DESC SCHEMA PYTHON ARGS...: exit 0, strict JSON (NaN/Infinity rejected) valid against SCHEMA,
# and the python assertion PYTHON on the document d holds
json() {
  local desc=$1 schema=$2 check=$3
  shift 3
  i=$((i + 1))
  local out="$TMP/j$i.json"
  if ! "$GS" "$@" > "$out" 2> "$TMP/j$i.err"; then bad "$desc" "exit $?: $(cat "$TMP/j$i.err")"; return; fi
  if python3 - "$out" "$check" 2> "$TMP/j$i.py" <<'PY'
import json, sys
def no_const(c):
    raise ValueError("non-JSON constant " + c)
d = json.loads(open(sys.argv[1]).read(), parse_constant=no_const)
exec(sys.argv[2])
PY
  then ok "$desc: strict JSON"; else bad "$desc: strict JSON" "$(tail -1 "$TMP/j$i.py")"; fi
  if schema_valid "$SCHEMAS/$schema" "$out" 2> "$TMP/j$i.sv"; then ok "$desc: valid $schema"
  else bad "$desc: valid $schema" "$(cat "$TMP/j$i.sv")"; fi
}

# --- meta: degenerate tables ---
printf 'study,a1,n1,a2,n2\nA,10,10,10,10\nB,10,10,10,10\n' > "$TMP/all.csv"
printf 'study,a1,n1,a2,n2\nA,10,10,10,10\n' > "$TMP/all1.csv"
printf 'study,a1,n1,a2,n2\nA,0,10,3,10\nB,0,12,2,12\n' > "$TMP/zero1.csv"
printf 'study,a1,n1,a2,n2\nA,2,10,3,10\n' > "$TMP/one.csv"
printf 'study,yi,sei\nA,0.5,0.1\nB,0.5,0.1\n' > "$TMP/same.csv"
text "meta, all events" "Fixed effect (Mantel-Haenszel): 1; CI and p not defined: the Mantel-Haenszel variance is 0" meta "$TMP/all.csv"
text "meta, all events, one study" "CI and p not defined" meta "$TMP/all1.csv"
text "meta, no events in one arm" "" meta "$TMP/zero1.csv"
text "meta, one study" "" meta "$TMP/one.csv"
text "meta, identical studies, Hartung-Knapp" "Random effects (REML, Hartung-Knapp): 0.5; CI and p not defined: the Hartung-Knapp variance is 0" meta "$TMP/same.csv" --hk
text "meta, identical studies, DL, Hartung-Knapp" "prediction interval for a new study: not defined" meta "$TMP/same.csv" --hk --method dl
json "meta --json, all events" meta.schema.json \
  'm = d["mantel_haenszel"]; assert m["p"] is None and m["ci"] is None and "every participant" in m["undefined_reason"], m' \
  meta "$TMP/all.csv" --json
json "meta --json, all events, one study" meta.schema.json 'assert d["mantel_haenszel"]["p"] is None' meta "$TMP/all1.csv" --json
json "meta --json, no events in one arm" meta.schema.json 'assert d["fixed"]["p"] is not None' meta "$TMP/zero1.csv" --json
json "meta --json, one study" meta.schema.json 'assert "undefined_reason" not in d["fixed"]' meta "$TMP/one.csv" --json
json "meta --json, identical studies, Hartung-Knapp" meta.schema.json \
  'r = d["random"]; assert r["p"] is None and r["prediction_interval"] is None and r["undefined_reason"], r' \
  meta "$TMP/same.csv" --hk --json
"$GS" meta "$TMP/same.csv" --hk --plot "$TMP/same.svg" > /dev/null 2>&1 && grep -q "<svg" "$TMP/same.svg" \
  && ! grep -qiE '(^|[^a-z/])-?(nan|inf)([^a-z/]|$)' "$TMP/same.svg" \
  && ok "meta --plot, undefined CI: an SVG without nan" || bad "meta --plot, undefined CI" "$(head -c 300 "$TMP/same.svg")"

# --- meta: values outside the range where the pooling is defined ---
bad_cell() { # desc, header, row, expected text
  printf '%s\n%s\nZ,1,1\n' "$2" "$3" > "$TMP/bad.csv"
  usage_err "$1" "$4" meta "$TMP/bad.csv"
}
bad_cell "meta: sei 1e-160 refused" "study,yi,sei" "A,1,1e-160" "line 2, column sei: '1e-160'; allowed: 1e-06 to 1e+06"
bad_cell "meta: yi 1e308 refused" "study,yi,sei" "A,1e308,1" "line 2, column yi: '1e308'; allowed: -1e+06 to 1e+06"
bad_cell "meta: yi -1e308 refused" "study,yi,sei" "A,-1e308,1" "line 2, column yi: '-1e308'"
printf 'study,m1,sd1,n1,m2,sd2,n2\nA,1,1e-300,10,1,1,10\n' > "$TMP/bad.csv"
usage_err "meta: SD 1e-300 refused" "column sd1: '1e-300'; allowed: 1e-06 to 1e+06" meta "$TMP/bad.csv"
printf 'study,m1,sd1,n1,m2,sd2,n2\nA,1,1,1e300,1,1,10\n' > "$TMP/bad.csv"
usage_err "meta: 1e300 participants refused" "column n1: '1e300'; allowed: a whole number of participants, 1 to 100000000" meta "$TMP/bad.csv"
# --- trial: one replicate, and a trial so small that a visit has one participant observed ---
EX=$ROOT/examples/clbp-gabapentin-trial.json
sed 's/"n": *[0-9]*/"n": 3/' "$EX" > "$TMP/small.json"
text "trial --replicates 1" "SD not defined for one replicate" trial "$EX" --replicates 1
json "trial --replicates 1 --json" trial-replicates.schema.json \
  's = d["summary"]; assert s["effect_sd"] is None and "one estimable replicate" in s["effect_sd_undefined_reason"], s' \
  trial "$EX" --replicates 1 --json
# seed 4: 3 per arm, one gabapentin participant observed from week 4 on (4.10 at week 4 since each
# participant has an own drug effect, data/pain.json between_person)
text "trial, 3 per arm, seed 4" "4.10, SD n/a (1)" trial "$TMP/small.json" --seed 4
json "trial, 3 per arm, seed 4, --json" trial-result.schema.json \
  'v = [x for a in d["arms"] for x in a["visits"] if x["n"] == 1]; assert v and all(x["sd"] is None and x["sd_undefined_reason"] for x in v), v' \
  trial "$TMP/small.json" --seed 4 --json
"$GS" trial "$TMP/small.json" --seed 4 --csv "$TMP/small.csv" > /dev/null 2>&1 \
  && ! grep -qiE '(^|[^a-z/])-?(nan|inf)([^a-z/]|$)' "$TMP/small.csv" \
  && ok "trial --csv, 3 per arm: no nan/inf" || bad "trial --csv, 3 per arm" "$(grep -i nan "$TMP/small.csv" | head -2)"
# --- drug files: values where the levels would overflow or vanish are refused at load ---
drug_edit() { # out, python statement on d (pregabalin.json)
  python3 -c "import json,sys; d=json.load(open('$ROOT/data/drugs/pregabalin.json')); $2; json.dump(d, open('$1', 'w'))"
}
drug_edit "$TMP/v.json" "d['model']['parameters']['V']['value'] = 1e-320"
usage_err "drug: V 1e-320 refused" "'model.parameters.V.value' is 9.99989e-321 L; allowed a number from 1 to 10000 L" \
  simulate --drug "$TMP/v.json" --dose 75mg --doses 1
drug_edit "$TMP/cl.json" "d['model']['parameters']['CL']['value'] = 1e-300"
usage_err "drug: CL 1e-300 refused" "'model.parameters.CL.value' is 1e-300 L/h; allowed a number from 0.001 to 1000 L/h" \
  simulate --drug "$TMP/cl.json" --dose 75mg --doses 1
drug_edit "$TMP/ref.json" "d['model']['parameters']['CL']['covariates'][0]['reference'] = 1e9"
usage_err "drug: covariate reference 1e9 refused" "'model.parameters.CL.covariates[0].reference' is 1e+09 mL/min; allowed a number from 1 to 250 mL/min" \
  simulate --drug "$TMP/ref.json" --dose 75mg --doses 1
drug_edit "$TMP/cap.json" "d['model']['parameters']['CL']['covariates'][0]['cap'] = 1e-200"
usage_err "drug: covariate cap 1e-200 refused" "'model.parameters.CL.covariates[0].cap' is 1e-200 mL/min; allowed a number from 1 to 250" \
  simulate --drug "$TMP/cap.json" --dose 75mg --doses 1
# --- data/adverse.json: every number in its documented range, checked at load (item 8) ---
ae_edit() { # desc, python statement on d, expected error text
  rm -rf "$TMP/data" && cp -r "$ROOT/data" "$TMP/data"
  python3 -c "import json; p='$TMP/data/adverse.json'; d=json.load(open(p)); $2; json.dump(d, open(p, 'w'))"
  GABASIM_DATA=$TMP/data usage_err "$1" "$3" advise --drug pregabalin --crcl 60 --days 7
}
ae_edit "adverse: negative ed50 refused" "d['events'][2]['ed50'] = -5" \
  "adverse.json: 'events[2].ed50' is -5 mg/L; allowed a number above 0, up to 1000 mg/L"
ae_edit "adverse: emax above 1 refused" "d['events'][0]['emax'] = 1.5" "'events[0].emax' is 1.5"
ae_edit "adverse: negative emax refused" "d['events'][1]['emax'] = -0.2" "'events[1].emax' is -0.2"
ae_edit "adverse: emax without ed50 refused" "del d['events'][0]['ed50']" "'events[0]' has 'emax' without 'ed50'"
ae_edit "adverse: negative ed50_fixed refused" "d['events'][5]['ed50_fixed'] = -1" "'events[5].ed50_fixed' is -1 mg/L"
ae_edit "adverse: age multiplier 1e300 refused" "d['age_multipliers']['dizziness'][1] = 1e300" "'age_multipliers.dizziness"
ae_edit "adverse: age bands not ascending refused" "d['age_multipliers']['bands_y'] = [0, 75, 65]" "'age_multipliers.bands_y' is [0, 75, 65] y; allowed: ascending"
ae_edit "adverse: dose 1e300 refused" "d['events'][0]['doses_mg_day'][0] = 1e300" "'events[0].doses_mg_day"

# the suite-wide scan (nan_scan.sh, run when every script ends) finds a planted result and
# lets an error message quoting the refused input pass
scan_case() { # description, expected exit, text
  local d
  d=$(mktemp -d)
  printf '%s\n' "$3" > "$d/out.txt"
  (TMP=$d scan_nan) > /dev/null
  local rc=$?
  rm -rf "$d"
  [ $rc = "$2" ] && ok "$1" || bad "$1" "scan_nan exit $rc"
}
scan_case "the nan scan finds 'p = -nan'" 1 "  p = -nan"
scan_case "the nan scan finds '\"p\": inf'" 1 '"p": inf,'
scan_case "the nan scan finds 'SD NaN'" 1 "SD NaN"
scan_case "the nan scan passes a quoted refused input" 0 "gabasim: error: '--days' is 'nan'; expected a number"
scan_case "the nan scan passes words (information, nano, infusion)" 0 "information: nanomolar infusion"
finish
