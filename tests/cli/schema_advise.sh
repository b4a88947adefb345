#!/usr/bin/env bash
# schema_advise.sh - `gabasim advise --json` against docs/schemas/advise.schema.json: four
# different advices (with and without --pain, a co-medication and an antacid, haemodialysis,
# pregabalin with a proposed regimen) must validate, and the schema must refuse documents that
# lose a required member or carry a wrong type. usage: bash schema_advise.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: schema_advise.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
if ! python3 -c 'import jsonschema' 2> /dev/null; then
  echo "python3-jsonschema not installed: skipped (make test installs it)"
  exit 0
fi
SCHEMA="$ROOT/docs/schemas/advise.schema.json"
# file [python edit] -> exit 0 if the schema accepts the (edited) document
valid() { schema_valid "$SCHEMA" "$@"; }
cases=(
  "gabapentin, pain, morphine|--drug gabapentin --age 72 --sex female --weight 70kg --scr 1.4mg/dL --pain radicular --with morphine"
  "gabapentin, antacid at times, no pain|--drug gabapentin --crcl 20 --with antacid-al-mg@1h,9h --days 7"
  "gabapentin on haemodialysis, PHN (borrowed Emax)|--drug gabapentin --dialysis --pain phn --days 21"
  "pregabalin, proposed regimen|--drug pregabalin --crcl 45 --target 300mg --dose 150mg --every 8h"
  "gabapentin with a measured level|--drug gabapentin --crcl 35 --age 70 --dose 300mg --every 8h --level 6.1mg/L@38h"
)
i=0
for c in "${cases[@]}"; do
  name=${c%%|*}; args=${c#*|}; i=$((i + 1))
  # shellcheck disable=SC2086
  if ! "$GS" advise $args --n 50 --json > "$TMP/a$i.json" 2> "$TMP/e.txt"; then
    bad "$name" "exit $?: $(cat "$TMP/e.txt")"; continue
  fi
  valid "$TMP/a$i.json" 2> "$TMP/v.txt" && ok "schema accepts: $name" || bad "$name" "$(cat "$TMP/v.txt")"
done
# each optional part appears in at least one case, so the schema is exercised on it
python3 - "$TMP"/a*.json <<'PY' && ok "cases cover pain, day 14, borrowed Emax, notes, findings, warnings and none" || bad "coverage" "an optional member never appears"
import json, sys
docs = [json.load(open(p)) for p in sys.argv[1:]]
assert any("pain" in d for d in docs) and any("pain" not in d for d in docs)
assert any("from_levels" in d for d in docs) and any("from_levels" not in d for d in docs)
assert any("difference_from_placebo_day14" in d.get("pain", {}) for d in docs)
assert any("emax_borrowed_from" in d.get("pain", {}) for d in docs)
assert any(d["interaction_notes"] for d in docs) and any(d["findings"] for d in docs)
assert any(d["recommended"]["haemodialysis_supplement_mg"][0] > 0 for d in docs)
assert {w["id"] for d in docs for w in d["warnings"]} == {"respiratory-depression", "falls"}
assert any(not d["warnings"] for d in docs)
PY
# documents the schema must refuse: a required member lost, a wrong type, an unknown member
refuse=(
  "no calendar|del d['calendar']"
  "band n as text|d['band_last_interval']['n'] = '50'"
  "per_day 1.5|d['recommended']['per_day'] = 1.5"
  "probability above 1|d['side_effects_cumulative']['events']['dizziness'][0] = 1.5"
  "pain without its note|del d['pain']['note']"
  "unknown member|d['extra'] = 1"
  "alternative without class|del d['alternatives'][0]['class']"
  "no warnings member|del d['warnings']"
  "warning without its source|del d['warnings'][0]['source']"
  "unknown warning id|d['warnings'][0]['id'] = 'other'"
)
for c in "${refuse[@]}"; do
  name=${c%%|*}; edit=${c#*|}
  if valid "$TMP/a1.json" "$edit" 2> /dev/null; then bad "schema refuses: $name" "accepted"
  else ok "schema refuses: $name"; fi
done
finish
