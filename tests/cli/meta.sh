#!/usr/bin/env bash
# meta.sh - `gabasim meta` through the real binary: the BCG example against metafor's published
# analysis, the study-table layouts, and bad input. usage: bash meta.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: meta.sh PATH_TO_GABASIM}")
EX=$(dirname "$(realpath "$0")")/../../examples
. "$(dirname "$(realpath "$0")")/lib.sh"

# Viechtbauer W, J Stat Softw 2010;36(3), section 3 (the BCG trials, REML): log RR -0.7145
# (-1.0669 to -0.3622), tau^2 0.3132, I^2 92.22 %, Q 152.23 on 12 df. Printed to 3 digits here.
"$GS" meta "$EX/bcg-colditz1994.csv" > "$TMP/bcg.txt" 2> "$TMP/e.txt" \
  && ok "meta exits 0" || bad "meta exit" "$(cat "$TMP/e.txt")"
expect_in "REML pooled RR exp(-0.7145) = 0.489 (0.344 to 0.696)" "Random effects (REML): 0.489 (0.344 to 0.696)" "$TMP/bcg.txt"
# metafor 3.8 rma.mh(measure = "RR") on dat.bcg: 0.6353 (0.5881 to 0.6862)
expect_in "Mantel-Haenszel RR 0.635 (0.588 to 0.686)" "Fixed effect (Mantel-Haenszel): 0.635 (0.588 to 0.686)" "$TMP/bcg.txt"
expect_in "tau2 0.313, I2 92.2 %, Q 152 on 12 df" "tau^2 = 0.313, I^2 = 92.2 %, H^2 = 12.9, Q = 152 on 12 df" "$TMP/bcg.txt"
"$GS" meta "$EX/bcg-colditz1994.csv" --json --method dl --hk > "$TMP/bcg.json"
if /usr/bin/env python3 - "$TMP/bcg.json" 2> "$TMP/je.txt" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
r = d["random"]
# DerSimonian-Laird on the BCG data: tau^2 0.3088, the output of metafor 3.8
# rma(yi, vi, method = "DL", test = "knha") on dat.bcg; Hartung-Knapp t on 12 df
assert abs(r["tau2"] - 0.3088) < 5e-4, r
assert r["t_df"] == 12 and len(d["studies"]) == 13, r
assert abs(sum(s["weight_random_pct"] for s in d["studies"]) - 100) < 1e-6
PY
then ok "JSON: DL + Hartung-Knapp, weights sum to 100 %"; else bad "JSON" "$(tail -1 "$TMP/je.txt")"; fi

# the forest plot: an SVG document; a wrong extension is refused before any work, leaving nothing
"$GS" meta "$EX/bcg-colditz1994.csv" --plot "$TMP/forest.svg" > /dev/null \
  && grep -q "<svg" "$TMP/forest.svg" && ok "forest plot written as SVG" || bad "forest plot" "no SVG"
"$GS" meta "$EX/bcg-colditz1994.csv" --plot "$TMP/forest.pdf" > "$TMP/out.txt" 2> "$TMP/err.txt"
[ $? = 2 ] && [ ! -e "$TMP/forest.pdf" ] && ok "plot: unsupported extension refused, no file" \
  || bad "plot extension" "$(cat "$TMP/err.txt")"

# mean differences and an effect with its SE, quoted names with commas
printf 'study,m1,sd1,n1,m2,sd2,n2\n"Smith, 2001",-1.2,2.1,55,-0.9,2.3,53\nJones 2005,-2.0,1.8,120,-1.1,2.0,118\n' > "$TMP/md.csv"
"$GS" meta "$TMP/md.csv" > "$TMP/md.txt" && ok "mean differences" || bad "md" "exit $?"
expect_in "a quoted name with a comma" "Smith, 2001" "$TMP/md.txt"
printf 'yi,sei,study\n-0.22,0.146,A\n-0.1,0.306,B\n' > "$TMP/g.csv"
# fixed effect by hand: w = 1/0.146^2, 1/0.306^2 -> (-0.22*46.91 - 0.1*10.68)/57.59 = -0.198
"$GS" meta "$TMP/g.csv" > "$TMP/g.txt"
expect_in "generic layout, columns in any order" "Fixed effect (inverse variance): -0.198" "$TMP/g.txt"

# a study with no events in either arm is dropped and named
printf 'study,a1,n1,a2,n2\nA,3,50,9,50\nB,0,40,0,41\nC,5,60,11,58\n' > "$TMP/z.csv"
"$GS" meta "$TMP/z.csv" > "$TMP/z.txt" && ok "zero-events study: exit 0" || bad "zero-events" "exit $?"
expect_in "zero-events study dropped, named" "dropped, no events in either arm: B (line 3)" "$TMP/z.txt"

printf 'study,m1,sd1,n1,m2,sd2,n2\nA,1,2,30,0,2,30\nB,1,-2,30,0,2,30\n' > "$TMP/b1.csv"
usage_err "negative SD: file, line, column" "b1.csv: line 3, column sd1: '-2'; allowed: 1e-06 to 1e+06" meta "$TMP/b1.csv"
printf 'study,a1,n1,a2,n2\nA,12,10,1,10\n' > "$TMP/b2.csv"
usage_err "more events than participants" "line 2, column a1: 12 events in an arm of 10" meta "$TMP/b2.csv"
printf 'study,a1,n1,a2,n2\nA,1,10.5,1,10\n' > "$TMP/b3.csv"
usage_err "fractional N" "column n1: '10.5'; allowed: a whole number" meta "$TMP/b3.csv"
printf 'study,x,y\nA,1,2\n' > "$TMP/b4.csv"
usage_err "unknown header" "the header must name the columns of one layout" meta "$TMP/b4.csv"
printf 'study,yi,sei\nA,1\n' > "$TMP/b5.csv"
usage_err "short row" "line 2: 2 cells; the header has 3" meta "$TMP/b5.csv"
printf 'study,yi,sei\n"A,1,2\n' > "$TMP/b6.csv"
usage_err "unclosed quote" "line 2: a quoted cell is not closed" meta "$TMP/b6.csv"
printf 'study,a1,n1,a2,n2\nA,0,10,0,10\n' > "$TMP/b7.csv"
usage_err "no events anywhere" "nothing to pool" meta "$TMP/b7.csv"
printf 'study,yi,sei\n' > "$TMP/b8.csv"
usage_err "header only" "no study rows" meta "$TMP/b8.csv"
usage_err "level outside (0, 1)" "'--level' is 1.5; allowed above 0 and below 1" meta "$EX/bcg-colditz1994.csv" --level 1.5
usage_err "unknown method" "'--method' is 'pm'; allowed: reml, dl" meta "$EX/bcg-colditz1994.csv" --method pm
printf 'study,yi,sei\nA,0.2,0.1\n' > "$TMP/one.csv"
usage_err "Hartung-Knapp with one study" "'--hk' needs 2 or more studies" meta "$TMP/one.csv" --hk
usage_err "no file" "give one study table" meta

# The gabapentinoid example (examples/gabapentinoids-back-pain-smd.csv): the openMetaAnalysis
# living review "Sciatica treatment with gabapentinoids" reports I^2 "moderate at 50%" and a
# pooled SMD that is not significant (DerSimonian-Laird with Hartung-Knapp, R meta::metagen
# hakn = TRUE). gabasim: I^2 within the review's rounding (49.5-50.5 %) and p > 0.05; the pooled
# estimate and CI equal metafor's rma(method = "DL", test = "knha") to 1e-6 when R is present.
"$GS" meta "$EX/gabapentinoids-back-pain-smd.csv" --method dl --hk --json > "$TMP/gp.json" 2> "$TMP/gpe.txt" \
  && ok "gabapentinoid example pools" || bad "gabapentinoid example" "$(cat "$TMP/gpe.txt")"
if python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["random"]; assert 49.5 <= r["i2_pct"] < 50.5 and r["p"] > 0.05, r' "$TMP/gp.json" 2> "$TMP/gpe.txt"; then
  ok "gabapentinoid example: I^2 50 % and not significant, as the review reports"
else bad "gabapentinoid I2" "$(tail -1 "$TMP/gpe.txt")"; fi
if Rscript -e 'suppressMessages(library(metafor))' > /dev/null 2>&1; then
  Rscript -e "suppressMessages(library(metafor)); d <- read.csv('$EX/gabapentinoids-back-pain-smd.csv', comment.char = '#'); m <- rma(yi, sei = sei, data = d, method = 'DL', test = 'knha'); cat(format(c(m\$b, m\$ci.lb, m\$ci.ub, m\$I2), digits = 15))" > "$TMP/gpr.txt" 2>&1
  if python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["random"]; ref=[float(x) for x in open(sys.argv[2]).read().split()]; got=[r["estimate"], r["ci"][0], r["ci"][1], r["i2_pct"]]; assert all(abs(g-w) <= 1e-6*max(1,abs(w)) for g,w in zip(got,ref)), (got, ref)' "$TMP/gp.json" "$TMP/gpr.txt" 2> "$TMP/gpe.txt"; then
    ok "gabapentinoid example equals metafor (DL, Knapp-Hartung) to 1e-6"
  else bad "gabapentinoid vs metafor" "$(tail -1 "$TMP/gpe.txt") $(cat "$TMP/gpr.txt")"; fi
else echo "metafor not installed: comparison skipped"; fi
usage_err "a study file that does not exist" "no-such.csv" meta "$TMP/no-such.csv"
finish
