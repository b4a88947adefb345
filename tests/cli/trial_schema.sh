#!/usr/bin/env bash
# trial_schema.sh - docs/trial.schema.json against the parser: the examples validate, and the
# parser (`gabasim trial`, exit 2 on a bad specification) and the schema agree on specifications
# that differ from the example in one structural detail. Needs python3-jsonschema (installed by
# `make test`). usage: bash trial_schema.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: trial_schema.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
if ! python3 -c 'import jsonschema' 2> /dev/null; then
  echo "python3-jsonschema not installed: skipped (make test installs it)"
  exit 0
fi
SCHEMA="$ROOT/docs/trial.schema.json"
SPEC="$ROOT/examples/clbp-gabapentin-trial.json"
# validate FILE...: one line per file, "0" when the schema accepts it, else "1 <first error>";
# one python3 process for all (importing jsonschema takes about a second)
validate() {
  python3 - "$SCHEMA" "$@" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errs = list(v.iter_errors(json.load(open(path))))
    print("1 " + errs[0].message[:200].replace("\n", " ") if errs else "0")
PY
}
examples=("$ROOT"/examples/*-trial.json "$ROOT"/tests/fuzz/corpus/trial_spec/seed-example.json
  "$ROOT"/tests/fuzz/corpus/trial_spec/seed-minimal.json)
i=0
while read -r verdict; do
  f=${examples[$i]}
  i=$((i + 1))
  [ "$verdict" = 0 ] && ok "schema accepts $(basename "$f")" || bad "$(basename "$f")" "${verdict#1 }"
done < <(validate "${examples[@]}")
[ $i = ${#examples[@]} ] || bad "schema validation of the examples" "$i verdicts for ${#examples[@]} files"
# name | python edit of the example | 1 if both must accept, 0 if both must refuse
cases=(
  "as published|pass|1"
  "unknown key|d['visit_week'] = [12]|0"
  "n = 1|d['arms'][0]['n'] = 1|0"
  "n as a value with its source|d['arms'][0]['n'] = {'value': 55, 'source': 'protocol'}|1"
  "arm type sham|d['arms'][1]['type'] = 'sham'|0"
  "placebo with a drug|d['arms'][1]['drug'] = 'gabapentin'|0"
  "drug arm without titrate|del d['arms'][0]['titrate']|0"
  "alpha 0|d['analysis']['alpha'] = 0|0"
  "alpha with its source|d['analysis']['alpha'] = {'value': 0.01, 'source': 'protocol'}|1"
  "duration 53 weeks|d['duration_weeks'] = 53; d['visit_weeks'] = [1, 53]|0"
  "odd block size|d['randomization'] = {'method': 'blocks', 'block_size': 3}; d['arms'][1]['n'] = 55|0"
  "effect mid|d['pain']['effect'] = 'mid'|0"
  "stratify by age|d['randomization'] = {'method': 'blocks', 'stratify': ['age']}; d['arms'][1]['n'] = 55|0"
  "probability above 1|d['dropout']['lost_per_week'] = 1.5|0"
  "a note anywhere|d['pain']['note'] = 'free text'|1"
  "three arms|d['arms'].append(dict(d['arms'][1], name='p2'))|0"
  "wrong schema name|d['schema'] = 'gabasim-trial/2'|0"
)
# every case written first, then validated in one python3 process, then run through gabasim
python3 - "$SPEC" "$TMP" "${cases[@]}" <<'PY'
import json, sys
spec, tmp = sys.argv[1], sys.argv[2]
for k, case in enumerate(sys.argv[3:]):
    d = json.load(open(spec))
    exec(case.split("|")[1])
    json.dump(d, open("%s/c%d.json" % (tmp, k), "w"))
PY
files=()
for k in "${!cases[@]}"; do files+=("$TMP/c$k.json"); done
mapfile -t verdicts < <(validate "${files[@]}")
[ ${#verdicts[@]} = ${#cases[@]} ] || bad "schema validation of the cases" "${#verdicts[@]} verdicts for ${#cases[@]} cases"
for k in "${!cases[@]}"; do
  IFS='|' read -r name edit want <<< "${cases[$k]}"
  s=${verdicts[$k]%% *}
  "$GS" trial "$TMP/c$k.json" > /dev/null 2> "$TMP/e.txt"; g=$?
  if [ "$want" = 1 ] && [ "$s" = 0 ] && [ $g = 0 ]; then ok "both accept: $name"
  elif [ "$want" = 0 ] && [ "$s" = 1 ] && [ $g = 2 ]; then ok "both refuse: $name"
  else bad "$name" "schema verdict '${verdicts[$k]}', gabasim exit $g: $(cat "$TMP/e.txt")"; fi
done
finish
