#!/usr/bin/env bash
# schema_trial_meta.sh - the JSON outputs of `gabasim trial` and `gabasim meta` against their
# schemas (docs/schemas/trial-result, trial-replicates, meta): real outputs of several
# invocations validate; a document with a required field removed does not (so the schemas would
# notice a field disappearing); names with a double quote, a backslash and a tab come back
# unchanged from the parsed JSON. Needs python3-jsonschema. usage: bash schema_trial_meta.sh GS
set -u
GS=$(realpath "${1:?usage: schema_trial_meta.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
EX="$ROOT/examples"
SCH="$ROOT/docs/schemas"
. "$(dirname "$(realpath "$0")")/lib.sh"
if ! python3 -c 'import jsonschema' 2> /dev/null; then
  echo "python3-jsonschema not installed: skipped (make test installs it)"
  exit 0
fi

# validate SCHEMA FILE [python check on d]: the schema is a valid 2020-12 schema, FILE validates,
# the check holds, and FILE with any one required top-level key removed no longer validates
validate() {
  python3 - "$1" "$2" "${3:-True}" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
d = json.load(open(sys.argv[2]))
errs = list(v.iter_errors(d))
if errs:
    sys.exit("does not validate: %s at %s" % (errs[0].message[:200], list(errs[0].absolute_path)))
if not eval(sys.argv[3], {"d": d}):
    sys.exit("check failed: " + sys.argv[3])
for k in schema["required"]:
    e = dict(d)
    del e[k]
    if v.is_valid(e):
        sys.exit("still valid without '%s'" % k)
PY
}
run() { # description, schema, python check, gabasim args...
  local desc=$1 schema=$2 check=$3
  shift 3
  if ! "$GS" "$@" > "$TMP/o.json" 2> "$TMP/e.txt"; then bad "$desc" "exit $?: $(cat "$TMP/e.txt")"; return; fi
  if validate "$SCH/$schema" "$TMP/o.json" "$check" 2> "$TMP/v.txt"; then ok "$desc"
  else bad "$desc" "$(tail -1 "$TMP/v.txt")"; fi
}

SPEC="$EX/clbp-gabapentin-trial.json"
RAD="$EX/radicular-gabapentin-trial.json"
# one trial: both examples
run "trial --json (Atkinson 2016 example) matches trial-result" trial-result.schema.json \
  "d['flow']['randomized'] == sum(a['allocated'] for a in d['arms'])" trial "$SPEC" --json
run "trial --json (radicular example, blocks, one-sided) matches trial-result" \
  trial-result.schema.json "d['primary']['sided'] == 1" trial "$RAD" --json
# replicates: without and with the power curve and --observed
run "trial --replicates --json matches trial-replicates (empty n_grid)" \
  trial-replicates.schema.json "d['n_grid'] == [] and d['summary']['replicates'] == 6" \
  trial "$SPEC" --replicates 6 --json
run "trial --replicates --n-grid --observed --json matches trial-replicates" \
  trial-replicates.schema.json \
  "[g['n_per_arm'] for g in d['n_grid']] == [[20, 20], [40, 40]] and 'share_as_extreme' in d" \
  trial "$SPEC" --replicates 6 --n-grid 20,40 --observed -0.5 --json
run "trial --replicates --json (radicular example) matches trial-replicates" \
  trial-replicates.schema.json "d['sided'] == 1" trial "$RAD" --replicates 4 --json

# meta: the BCG table (risk ratios, with Mantel-Haenszel) under each method, with and without
# Hartung-Knapp; the gabapentinoid table (effects as given); mean differences; a dropped study
BCG="$EX/bcg-colditz1994.csv"
run "meta --json (REML) matches meta" meta.schema.json \
  "d['random']['method'] == 'REML' and d['random']['t_df'] == 0 and 'mantel_haenszel' in d" \
  meta "$BCG" --json
run "meta --json --method dl matches meta" meta.schema.json \
  "d['random']['method'] == 'DerSimonian-Laird'" meta "$BCG" --method dl --json
run "meta --json --method dl --hk matches meta" meta.schema.json "d['random']['t_df'] == 12" \
  meta "$BCG" --method dl --hk --json
run "meta --json --method reml --hk --level 0.9 matches meta" meta.schema.json \
  "d['level'] == 0.9 and d['random']['t_df'] == 12" meta "$BCG" --hk --level 0.9 --json
run "meta --json (effects as given) matches meta" meta.schema.json \
  "d['measure'] == 'effect (as given)' and 'mantel_haenszel' not in d" \
  meta "$EX/gabapentinoids-back-pain-smd.csv" --json
printf 'study,m1,sd1,n1,m2,sd2,n2\nA,-1.2,2.1,55,-0.9,2.3,53\nB,-2.0,1.8,120,-1.1,2.0,118\n' > "$TMP/md.csv"
run "meta --json (mean differences) matches meta" meta.schema.json \
  "d['measure'] == 'mean difference'" meta "$TMP/md.csv" --json
printf 'study,a1,n1,a2,n2\nA,3,50,9,50\nB,0,40,0,41\nC,5,60,11,58\n' > "$TMP/z.csv"
run "meta --json with a dropped study matches meta" meta.schema.json \
  "d['dropped_no_events'] == 'B (line 3)' and len(d['studies']) == 2" meta "$TMP/z.csv" --json

# escaping: study names and a trial's title and arm name with a double quote, a backslash and a
# tab parse back to exactly the names written
NAME=$(printf 'Q"uote \\ back\ttab')
printf 'study,yi,sei\n"Q""uote \\ back\ttab",0.2,0.1\nplain,0.1,0.2\n' > "$TMP/esc.csv"
run "meta --json with a quoted, backslashed, tabbed study name matches meta" meta.schema.json \
  "len(d['studies']) == 2" meta "$TMP/esc.csv" --json
"$GS" meta "$TMP/esc.csv" --json > "$TMP/esc.json"
NAME="$NAME" python3 -c 'import json, os, sys; d = json.load(open(sys.argv[1])); n = os.environ["NAME"]; assert d["studies"][0]["study"] == n and "\t" in n and "\\" in n and "\"" in n, (d["studies"][0]["study"], n)' "$TMP/esc.json" 2> "$TMP/x.txt" \
  && ok "meta JSON: the study name parses back unchanged" || bad "meta escaping" "$(tail -1 "$TMP/x.txt")"
NAME="$NAME" python3 -c 'import json, os, sys; d = json.load(open(sys.argv[1])); d["title"] = os.environ["NAME"]; d["arms"][0]["name"] = "ga\"b\\\t"; json.dump(d, open(sys.argv[2], "w"))' "$SPEC" "$TMP/esc-spec.json"
run "trial --json with a quoted title and arm name matches trial-result" trial-result.schema.json \
  "True" trial "$TMP/esc-spec.json" --json
"$GS" trial "$TMP/esc-spec.json" --json > "$TMP/esc-t.json"
NAME="$NAME" python3 -c 'import json, os, sys; d = json.load(open(sys.argv[1])); n = os.environ["NAME"]; a = "ga\"b\\\t"; assert d["title"] == n and d["arms"][0]["name"] == a and d["primary"]["contrast"] == a + " minus placebo", d["title"]' "$TMP/esc-t.json" 2> "$TMP/x.txt" \
  && ok "trial JSON: title and arm name parse back unchanged" || bad "trial escaping" "$(tail -1 "$TMP/x.txt")"
"$GS" trial "$TMP/esc-spec.json" --replicates 3 --json > "$TMP/esc-r.json" \
  && validate "$SCH/trial-replicates.schema.json" "$TMP/esc-r.json" 2> "$TMP/v.txt" \
  && ok "trial --replicates --json of the quoted specification matches trial-replicates" \
  || bad "trial replicates escaping" "$(tail -1 "$TMP/v.txt")"
finish
