#!/usr/bin/env bash
# schema_population.sh - real outputs of `population --json`, `population --summary-json` and
# `simulate --json` validate against docs/schemas/{population,population_subjects,simulate}.schema.json;
# each schema refuses a document with a required key removed; a drug file path with a quote and
# control characters comes out escaped. Needs python3-jsonschema. usage: bash schema_population.sh GABASIM
set -u
GS=$(realpath "${1:?usage: schema_population.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
if ! python3 -c 'import jsonschema' 2> /dev/null; then
  echo "python3-jsonschema not installed: skipped (make test installs it)"
  exit 0
fi
S=$ROOT/docs/schemas
# schema file, document, [python edit of the document]: exit 0 if the (edited) document validates
valid() { schema_valid "$@"; }
check() { # description, schema, file
  if valid "$2" "$3" 2> "$TMP/v.txt"; then ok "$1"; else bad "$1" "$(cat "$TMP/v.txt")"; fi
}
run() { # name, args...: runs gabasim, stdout to $TMP/name.json
  local name=$1
  shift
  "$GS" "$@" > "$TMP/$name.json" 2> "$TMP/$name.err" || bad "$name exits 0" "$(cat "$TMP/$name.err")"
}

# ---- population --json ----
P=(population --drug pregabalin --n 300 --seed 3 --dose 150mg --every 12h --days 3 --quiet)
run pop_plain "${P[@]}" --json
run pop_cov population --drug gabapentin --n 300 --covariates clbp-atkinson2016 --titrate label \
  --days 4 --quiet --json --summary-json "$TMP/subjects.json"
run pop_thr "${P[@]}" --threshold 2mg/L --threshold 4mg/L --json
run pop_pct "${P[@]}" --percentiles 2.5,97.5,99.9 --json
run pop_single population --drug gabapentin --n 50 --dose 600mg --doses 1 --crcl 40 --quiet --json
for c in pop_plain pop_cov pop_thr pop_pct pop_single; do
  check "population schema accepts $c" "$S/population.schema.json" "$TMP/$c.json"
done
python3 - "$TMP/pop_thr.json" "$TMP/pop_pct.json" <<'PY' && ok "population: 2 thresholds, extra percentiles present" || bad "population content" "see above"
import json, sys
t = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
assert [a["threshold_mg_L"] for a in t["target_attainment"]] == [2, 4]
row = p["percentiles"][5]
assert "p2.5_mg_L" in row and "p97.5_mg_L" in row and "p99.9_mg_L" in row
assert row["p2.5_mg_L"] <= row["p5_mg_L"] <= row["p50_mg_L"] <= row["p95_mg_L"] <= row["p97.5_mg_L"]
PY
check "subjects schema accepts --summary-json" "$S/population_subjects.schema.json" "$TMP/subjects.json"
for key in percentiles subjects target_attainment window_h; do
  valid "$S/population.schema.json" "$TMP/pop_thr.json" "del d['$key']" 2> /dev/null \
    && bad "population schema needs '$key'" "accepted without it" || ok "population schema needs '$key'"
done
valid "$S/population.schema.json" "$TMP/pop_thr.json" "del d['percentiles'][0]['p50_mg_L']" 2> /dev/null \
  && bad "population schema needs p50" "accepted without it" || ok "population schema needs each row's p50"
valid "$S/population_subjects.schema.json" "$TMP/subjects.json" "del d[3]['cmin_mg_L']" 2> /dev/null \
  && bad "subjects schema needs cmin" "accepted without it" || ok "subjects schema needs cmin_mg_L"

# ---- a drug file path with a quote, a backslash and a tab is escaped, not pasted ----
ODD="$TMP/q\"b\\t$(printf '\t')dir"
mkdir -p "$ODD" && cp "$ROOT/data/drugs/pregabalin.json" "$ODD/"
run sim_odd simulate --drug "$ODD/pregabalin.json" --dose 150mg --every 12h --days 1 --json
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["drug"]["file"].endswith(sys.argv[2] + "/pregabalin.json")' \
  "$TMP/sim_odd.json" "$(basename "$ODD")" && ok "simulate --json escapes the drug file path" \
  || bad "path escaping" "$(head -c 300 "$TMP/sim_odd.json")"

# ---- simulate --json ----
run sim_multi simulate --drug gabapentin --dose 300mg --every 8h --days 3 --json
run sim_single simulate --drug gabapentin --dose 600mg --doses 1 --scr 1.4mg/dL --age 72 \
  --sex female --weight 70kg --height 165cm --json
run sim_titrate simulate --drug gabapentin --titrate label --days 5 --json
run sim_steady simulate --drug pregabalin --dose 150mg --every 12h --days 2 --start-steady \
  --miss 12h --extra 75mg@30h --json
run sim_dialysis simulate --drug pregabalin --dose 75mg --every 24h --days 3 --dialysis --json
for c in sim_multi sim_single sim_titrate sim_steady sim_dialysis sim_odd; do
  check "simulate schema accepts $c" "$S/simulate.schema.json" "$TMP/$c.json"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["regimen"]["doses"][0].get("steady_state_before") is True and d["regimen"]["start_steady"] is True' \
  "$TMP/sim_steady.json" && ok "simulate: steady-state start marked" || bad "steady-state start" "not marked"
for key in summary profile patient regimen; do
  valid "$S/simulate.schema.json" "$TMP/sim_multi.json" "del d['$key']" 2> /dev/null \
    && bad "simulate schema needs '$key'" "accepted without it" || ok "simulate schema needs '$key'"
done
valid "$S/simulate.schema.json" "$TMP/sim_multi.json" "del d['summary']['ss_cmin_mg_L']" 2> /dev/null \
  && bad "simulate schema needs ss_cmin" "accepted without it" || ok "simulate schema needs summary.ss_cmin_mg_L"
valid "$S/simulate.schema.json" "$TMP/sim_multi.json" "d['summary']['extra'] = 1" 2> /dev/null \
  && bad "simulate schema refuses unknown keys" "accepted" || ok "simulate schema refuses an unknown key"
finish
