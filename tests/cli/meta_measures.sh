#!/usr/bin/env bash
# meta_measures.sh - `gabasim meta --measure` through the real binary (issue 11 item 5): the BCG
# trials as odds ratios (with Mantel-Haenszel and Peto) and risk differences, and the stroke-unit
# table as Hedges' g and ratio of means, against metafor 3.8's published-by-run numbers; the JSON
# of each measure against docs/schemas/meta.schema.json; a measure the table's layout cannot give,
# an unknown measure and a non-positive mean for the ratio of means are usage errors (exit 2, one
# line naming the option or the line, study and column). usage: bash meta_measures.sh GABASIM
set -u
GS=$(realpath "${1:?usage: meta_measures.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
EX="$ROOT/examples"
. "$(dirname "$(realpath "$0")")/lib.sh"
BCG="$EX/bcg-colditz1994.csv"

# metafor 3.8 on dat.bcg (the same 13 trials): rma.mh(measure = "OR") 0.6229 (0.5748 to 0.6750);
# rma.peto 0.6222 (0.5746 to 0.6738); rma(measure = "OR"), REML: 0.4746 (0.3296 to 0.6835).
# Printed to 3 significant digits here; tests/validation/test_meta_measures.c checks 1e-6.
"$GS" meta "$BCG" --measure OR > "$TMP/or.txt" 2> "$TMP/e.txt" \
  && ok "--measure OR exits 0" || bad "--measure OR" "$(cat "$TMP/e.txt")"
expect_in "OR: the measure is named" "13 studies, odds ratio (pooled on the log scale)" "$TMP/or.txt"
expect_in "OR: Mantel-Haenszel 0.623 (0.575 to 0.675)" "Fixed effect (Mantel-Haenszel): 0.623 (0.575 to 0.675)" "$TMP/or.txt"
expect_in "OR: Peto 0.622 (0.575 to 0.674)" "Fixed effect (Peto): 0.622 (0.575 to 0.674)" "$TMP/or.txt"
expect_in "OR: REML 0.475 (0.33 to 0.683)" "Random effects (REML): 0.475 (0.33 to 0.683)" "$TMP/or.txt"

# metafor 3.8 rma.mh(measure = "RD") on dat.bcg: -0.00329 (-0.00385 to -0.00273), not
# exponentiated; rma(measure = "RD") REML -0.02517
"$GS" meta "$BCG" --measure RD --json > "$TMP/rd.json" 2> "$TMP/e.txt" \
  && ok "--measure RD --json exits 0" || bad "--measure RD" "$(cat "$TMP/e.txt")"
if python3 - "$TMP/rd.json" 2> "$TMP/je.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["measure"] == "risk difference" and d["measure_code"] == "RD", d["measure"]
mh = d["mantel_haenszel"]
assert "Sato" in mh["method"], mh
assert abs(mh["estimate"] - -0.00329) < 5e-6 and abs(mh["ci"][0] - -0.00385) < 5e-6, mh
assert abs(d["random"]["estimate"] - -0.02517) < 5e-6, d["random"]
assert "peto" not in d
PY
then ok "RD JSON: named, Mantel-Haenszel (Sato variance) -0.00329, REML -0.0252"; else bad "RD JSON" "$(tail -1 "$TMP/je.txt")"; fi

# dat.normand1999 (stroke units, length of stay): metafor 3.8 escalc("SMD") then rma(), REML:
# -0.5371 (-1.1421 to 0.0679); escalc("ROM"): ratio 0.8038 (0.6381 to 1.0125)
cat > "$TMP/normand.csv" <<'CSV'
study,m1,sd1,n1,m2,sd2,n2
Edinburgh,55,47,155,75,64,156
Orpington-Mild,27,7,31,29,4,32
Orpington-Moderate,64,17,75,119,29,71
Orpington-Severe,66,20,18,137,48,18
Montreal-Home,14,8,8,18,11,13
Montreal-Transfer,19,7,57,18,4,52
Newcastle,52,45,34,41,34,33
Umea,21,16,110,31,27,183
Uppsala,30,27,60,23,20,52
CSV
"$GS" meta "$TMP/normand.csv" --measure SMD > "$TMP/smd.txt" 2> "$TMP/e.txt" \
  && ok "--measure SMD exits 0" || bad "--measure SMD" "$(cat "$TMP/e.txt")"
expect_in "SMD: named" "9 studies, standardised mean difference (Hedges' g)" "$TMP/smd.txt"
expect_in "SMD: REML -0.537 (-1.14 to 0.0679)" "Random effects (REML): -0.537 (-1.14 to 0.0679)" "$TMP/smd.txt"
"$GS" meta "$TMP/normand.csv" --measure ROM > "$TMP/rom.txt" 2> "$TMP/e.txt" \
  && ok "--measure ROM exits 0" || bad "--measure ROM" "$(cat "$TMP/e.txt")"
expect_in "ROM: named, on the log scale" "9 studies, ratio of means (pooled on the log scale)" "$TMP/rom.txt"
expect_in "ROM: REML 0.804 (0.638 to 1.01)" "Random effects (REML): 0.804 (0.638 to 1.01)" "$TMP/rom.txt"
# the default is unchanged: mean differences for arm means, risk ratios for events
"$GS" meta "$TMP/normand.csv" > "$TMP/md.txt"
expect_in "no --measure: mean difference" "9 studies, mean difference" "$TMP/md.txt"
"$GS" meta "$BCG" --measure RR > "$TMP/rr.txt"
"$GS" meta "$BCG" > "$TMP/rr0.txt"
cmp -s "$TMP/rr.txt" "$TMP/rr0.txt" && ok "--measure RR is the default for events" || bad "RR default" "outputs differ"

# no events in any treatment arm: the Mantel-Haenszel odds ratio is 0 (metafor rma.mh: NA), said;
# Peto's estimate exists: metafor 3.8 rma.peto gives 0.0867 (0.0137 to 0.550)
printf 'study,a1,n1,a2,n2\nA,0,10,3,10\nB,0,20,2,12\n' > "$TMP/z2.csv"
"$GS" meta "$TMP/z2.csv" --measure OR > "$TMP/z2.txt"
expect_in "OR: Mantel-Haenszel not defined, said" "Fixed effect (Mantel-Haenszel): not defined: a sum of its weights is 0" "$TMP/z2.txt"
expect_in "OR: Peto still given" "Fixed effect (Peto): 0.0867" "$TMP/z2.txt"

# every measure's JSON validates against the schema
if python3 -c 'import jsonschema' 2> /dev/null; then
  for args in "$BCG --measure OR" "$BCG --measure RD" "$BCG --measure RR" \
    "$TMP/normand.csv --measure SMD" "$TMP/normand.csv --measure ROM"; do
    # shellcheck disable=SC2086
    "$GS" meta $args --json > "$TMP/s.json" \
      && schema_valid "$ROOT/docs/schemas/meta.schema.json" "$TMP/s.json" 2> "$TMP/v.txt" \
      && ok "schema: meta ${args##*/} --json" || bad "schema: ${args##*/}" "$(tail -1 "$TMP/v.txt")"
  done
  "$GS" meta "$BCG" --measure OR --json > "$TMP/s.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["peto"]["method"].startswith("Peto") and "Robins-Breslow-Greenland" in d["mantel_haenszel"]["method"], d' "$TMP/s.json" 2> "$TMP/v.txt" \
    && ok "OR JSON names the Mantel-Haenszel and Peto estimates" || bad "OR JSON names" "$(tail -1 "$TMP/v.txt")"
else echo "python3-jsonschema not installed: schema checks skipped"; fi

# usage errors: the option, the value and the set the layout allows
usage_err "OR on arm means" "'--measure' is 'OR'; allowed for a table of arm means (study,m1,sd1,n1,m2,sd2,n2): MD, SMD, ROM" meta "$TMP/normand.csv" --measure OR
usage_err "SMD on events" "'--measure' is 'SMD'; allowed for a table of events (study,a1,n1,a2,n2): RR, OR, RD" meta "$BCG" --measure SMD
printf 'study,yi,sei\nA,0.2,0.1\nB,0.1,0.2\n' > "$TMP/g.csv"
usage_err "any measure on yi,sei" "'--measure' is 'RR'; allowed for a table of an effect and its SE (study,yi,sei): none" meta "$TMP/g.csv" --measure RR
usage_err "unknown measure" "'--measure' is 'or'; allowed: MD, SMD, ROM, RR, OR, RD" meta "$BCG" --measure or
usage_err "--measure without a value" "--measure" meta "$BCG" --measure
printf 'study,m1,sd1,n1,m2,sd2,n2\nA,1.2,2,30,1.0,2,30\nB,3,2,30,0,2,30\n' > "$TMP/rom0.csv"
usage_err "ROM with a mean of 0: line, study, column" "rom0.csv: line 3, study 'B': 'm2' is 0; allowed for the ratio of means" meta "$TMP/rom0.csv" --measure ROM
printf 'study,m1,sd1,n1,m2,sd2,n2\nA,1.2,2,2,1.0,2,1\n' > "$TMP/tiny.csv"
usage_err "SMD with three participants" "line 2, study 'A': arm sizes are 2 and 1; Hedges' g needs n1 + n2 of 4 or more" meta "$TMP/tiny.csv" --measure SMD
finish
