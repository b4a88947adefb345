#!/usr/bin/env bash
# meta_models.sh - `gabasim meta`'s models after pooling through the real binary: the BCG
# meta-regression against metafor's published analysis, subgroups, Egger, leave-one-out,
# cumulative and influence in text and JSON (schema), and the edge cases and bad input of the
# options. usage: bash meta_models.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: meta_models.sh PATH_TO_GABASIM}")
ROOT=$(dirname "$(realpath "$0")")/../..
EX=$ROOT/examples
SCHEMA=$ROOT/docs/schemas/meta.schema.json
. "$(dirname "$(realpath "$0")")/lib.sh"
BCG=$EX/bcg-colditz1994-moderators.csv

# Viechtbauer W, J Stat Softw 2010;36(3), section 3.4: rma(yi, vi, mods = ~ ablat + year) on the
# BCG trials (REML): ablat -0.0280 (SE 0.0102, z -2.74, p 0.0062), QM 12.20 on 2 df
# (p 0.0022), QE 28.33 on 10 df (p 0.0016), residual tau^2 0.1108, R^2 64.63 %.
"$GS" meta "$BCG" --mods ablat,year > "$TMP/reg.txt" 2> "$TMP/e.txt" \
  && ok "meta --mods exits 0" || bad "meta --mods" "$(cat "$TMP/e.txt")"
expect_in "ablat coefficient as published" "ablat                      -0.02801    0.01023    -2.74     0.0062" "$TMP/reg.txt"
expect_in "QM 12.2 on 2 df, p 0.0022" "Test of moderators (QM) on 2 df: 12.2, p = 0.00224" "$TMP/reg.txt"
expect_in "QE 28.33 on 10 df, tau^2 0.111, R^2 64.6 %" "Residual heterogeneity (QE) on 10 df: 28.33, p = 0.0016; tau^2 = 0.111, I^2 = 72.0 %, R^2 = 64.6 %" "$TMP/reg.txt"
# the subgroup column is used without being asked for; metafor 3.8
# rma(yi, vi, mods = ~ factor(alloc), data = dat.bcg): QM 1.7675 on 2 df, p 0.4132
expect_in "subgroups found by the column name" "Subgroups by subgroup" "$TMP/reg.txt"
expect_in "mixed-effects test for subgroup differences (metafor QM 1.77, p 0.413)" "mixed-effects model, one tau^2 (metafor's QM): Q = 1.768, p = 0.413" "$TMP/reg.txt"
expect_in "separate-tau^2 Q between, named" "separate tau^2 per subgroup (RevMan, R meta): Q =" "$TMP/reg.txt"
"$GS" meta "$BCG" --by none > "$TMP/none.txt"
if grep -q "Subgroups" "$TMP/none.txt"; then bad "--by none" "subgroups printed"; else ok "--by none switches the automatic subgroups off"; fi
"$GS" meta "$EX/bcg-colditz1994.csv" > "$TMP/plain.txt"
"$GS" meta "$BCG" --by none > "$TMP/none.txt"
if diff <(sed 1d "$TMP/plain.txt") <(sed 1d "$TMP/none.txt") > /dev/null; then ok "extra columns change nothing of the pooled analysis"
else bad "extra columns" "$(diff <(sed 1d "$TMP/plain.txt") <(sed 1d "$TMP/none.txt") | head -3)"; fi

# everything in JSON, against the schema, with Hartung-Knapp
"$GS" meta "$BCG" --json --hk --mods ablat,year --egger --leave-one-out --influence --cumulative --order year > "$TMP/all.json" 2> "$TMP/e.txt" \
  && ok "all models in JSON: exit 0" || bad "all models JSON" "$(cat "$TMP/e.txt")"
if schema_valid "$SCHEMA" "$TMP/all.json" 2> "$TMP/se.txt"; then ok "JSON with every model matches meta.schema.json"
else bad "schema" "$(cat "$TMP/se.txt")"; fi
if python3 - "$TMP/all.json" 2> "$TMP/pe.txt" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1])); m = d["models"]
k = len(d["studies"])
assert len(m["funnel"]["yi"]) == k == len(m["funnel"]["sei"]) == len(m["influence"]) == 13
assert all(abs(s["vi"] - e * e) < 1e-9 * s["vi"] for s, e in zip(d["studies"], m["funnel"]["sei"]))
assert abs(math.exp(m["funnel"]["estimate_random"]) - d["random"]["estimate"]) < 1e-8
r = m["meta_regression"]
assert r["qm_df"] == 2 and r["qm_df2"] == 10 and r["t_df"] == 10, r   # F(2, 10), t on 10 df
assert m["egger"]["t_df"] == 11
assert m["cumulative_order"] == "year" and m["cumulative"][0]["study"] == "Aronson 1948"
last = m["cumulative"][-1]   # all studies: the pooled random-effects model
assert abs(last["estimate"] - d["random"]["estimate"]) < 1e-8 * d["random"]["estimate"]
assert len(m["leave_one_out"]) == 13 and m["subgroups"]["test"]["df"] == 2
PY
then ok "JSON: funnel numbers, F and t df, cumulative ends at the pooled estimate"; else bad "JSON content" "$(tail -1 "$TMP/pe.txt")"; fi

# two studies: leave-one-out, cumulative and influence work; Egger cannot
printf 'study,yi,sei\nA,0.2,0.2\nB,0.5,0.3\n' > "$TMP/two.csv"
"$GS" meta "$TMP/two.csv" --leave-one-out --cumulative --influence > "$TMP/two.txt" 2> "$TMP/e.txt" \
  && ok "k = 2: leave-one-out, cumulative, influence" || bad "k = 2" "$(cat "$TMP/e.txt")"
# leaving B out leaves A alone: its estimate 0.2 (0.2 -/+ 1.96 * 0.2)
expect_in "k = 2: study B omitted leaves A" "B                                       0.2  -0.192 to 0.592" "$TMP/two.txt"
usage_err "Egger with two studies" "'--egger': Egger's test needs 3 or more studies" meta "$TMP/two.csv" --egger

# a subgroup of one study, a text column that is never used
printf 'study,yi,sei,subgroup,notes,dose\nA,0.42,0.2,x,"first, open",10\nB,0.15,0.25,x,,20\nC,0.61,0.23,x,n/a,40\nD,-0.05,0.21,y,,10\nE,0.12,0.28,y,,20\nF,0.9,0.3,z,,25\n' > "$TMP/sub.csv"
"$GS" meta "$TMP/sub.csv" --mods dose > "$TMP/sub.txt" 2> "$TMP/e.txt" \
  && ok "a subgroup of one study and a text column: exit 0" || bad "subgroup of one" "$(cat "$TMP/e.txt")"
expect_in "the subgroup of one study is its own estimate, k = 1" "  z                          1        0.9  0.312 to 1.49" "$TMP/sub.txt"
printf 'study,yi,sei,subgroup\nA,0.42,0.2,x\nB,0.15,0.25,x\nC,0.61,0.23,x\n' > "$TMP/one.csv"
"$GS" meta "$TMP/one.csv" > "$TMP/one.txt" && ! grep -q Subgroups "$TMP/one.txt" \
  && ok "one subgroup value: no subgroup section" || bad "one subgroup" "$(cat "$TMP/one.txt")"
usage_err "--by a column with one value" "'--by': column subgroup has one value ('x')" meta "$TMP/one.csv" --by subgroup

# bad values: one line, exit 2, naming the column
printf 'study,yi,sei,dose,dose2\nA,0.42,0.2,10,23\nB,0.15,0.25,20,43\nC,0.61,0.23,40,83\nD,-0.05,0.21,10,23\nE,0.9,0.3,25,53\n' > "$TMP/col.csv"
usage_err "collinear moderators name the moderator" "'dose2' is a linear combination of the columns before it (with intrcpt, dose)" meta "$TMP/col.csv" --mods dose,dose2
usage_err "a moderator column that is not there" "'--mods': $TMP/col.csv has no column 'age'; its extra columns: dose, dose2" meta "$TMP/col.csv" --mods age
usage_err "a text column as a moderator" "line 2, column notes: 'first, open'; allowed: a number" meta "$TMP/sub.csv" --mods notes
usage_err "an empty moderator name" "'--mods' is 'dose,,dose2'; allowed: column names separated by commas" meta "$TMP/col.csv" --mods dose,,dose2
usage_err "--by a column that is not there" "'--by': $TMP/col.csv has no column 'arm'" meta "$TMP/col.csv" --by arm
usage_err "--order without --cumulative" "'--order' needs '--cumulative'" meta "$TMP/col.csv" --order dose
usage_err "--order by a text column" "column notes" meta "$TMP/sub.csv" --cumulative --order notes
usage_err "an empty subgroup" "line 3, column subgroup: empty" meta <(printf 'study,yi,sei,subgroup\nA,1,1,x\nB,1,1,\n')
printf 'study,yi,sei,yi\nA,1,1,1\n' > "$TMP/dup.csv"
usage_err "a column named twice" "column 'yi' is named twice" meta "$TMP/dup.csv"
printf 'study,yi,sei,a1,n1,a2,n2\nA,1,1,1,2,1,2\n' > "$TMP/two-layouts.csv"
usage_err "a header naming two layouts" "(it names more than one)" meta "$TMP/two-layouts.csv"
"$GS" meta --help > "$TMP/help.txt"
for o in --by --mods --egger --leave-one-out --influence --cumulative --order; do
  grep -q -- "^  $o" "$TMP/help.txt" || bad "help" "$o missing"
done
ok "--help lists every model option"
finish
