#!/usr/bin/env bash
# population.sh - `gabasim population` through the real binary: outputs identical for any thread
# count (byte for byte), dataset mode, and bad input (exit 2, one line naming the field, no file).
# usage: bash population.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: population.sh PATH_TO_GABASIM}")
. "$(dirname "$(realpath "$0")")/lib.sh"

# ---- identical outputs for 1, 2 and 4 threads ----
for drug in pregabalin gabapentin; do
  for t in 1 2 4; do
    "$GS" population --drug $drug --n 3000 --seed 7 --covariates clbp-atkinson2016 \
      --dose 300mg --every 12h --days 3 --threshold 2mg/L --threads $t --quiet \
      --percentiles-csv "$TMP/p$t.csv" --summary-csv "$TMP/s$t.csv" --params-csv "$TMP/q$t.csv" \
      --summary-json "$TMP/j$t.json" \
      > "$TMP/out$t.txt" 2> "$TMP/err$t.txt" || bad "$drug threads $t exits 0" "$(cat "$TMP/err$t.txt")"
  done
  same=1
  for f in p s q; do
    cmp -s "$TMP/${f}1.csv" "$TMP/${f}2.csv" && cmp -s "$TMP/${f}1.csv" "$TMP/${f}4.csv" || same=0
  done
  cmp -s "$TMP/j1.json" "$TMP/j2.json" && cmp -s "$TMP/j1.json" "$TMP/j4.json" || same=0
  /usr/bin/env python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==3000 and "time_below_h" in d[0]' "$TMP/j1.json" \
    && ok "$drug: summary JSON parses, one object per subject" || bad "$drug summary JSON" "does not parse"
  [ $same = 1 ] && ok "$drug: percentiles, summary, params and JSON identical for 1, 2, 4 threads" \
    || bad "$drug: thread-count invariance" "files differ"
  rows=$(($(wc -l < "$TMP/s1.csv") - 1))
  [ "$rows" = 3000 ] && ok "$drug: one summary row per subject" || bad "$drug summary rows" "$rows"
  head -1 "$TMP/p1.csv" | grep -q '^time_h,mean_mg_L,p5_mg_L,p10_mg_L,p25_mg_L,p50_mg_L,p75_mg_L,p90_mg_L,p95_mg_L$' \
    && ok "$drug: percentiles header" || bad "$drug percentiles header" "$(head -1 "$TMP/p1.csv")"
done

# ---- issue 12: no negative concentration, also long after the last dose ----
# A single 600 mg dose followed to 200 h, with the metrics window in the tail: before the fix the
# batched integrator's undershoot printed 95 negative percentile cells and 703 negative Cmin/Cavg
# values (down to -2.7e-10 mg/L) in these files.
"$GS" population --drug gabapentin --n 5000 --doses 1 --dose 600mg --every 8h --until 200h --quiet \
  --percentiles-csv "$TMP/tail_p.csv" --summary-csv "$TMP/tail_s.csv" > /dev/null 2> "$TMP/tail.err" &&
  ! grep -q -- ',-' "$TMP/tail_p.csv" "$TMP/tail_s.csv" &&
  ok "no negative concentration, Cmin, Cavg or AUC in the tail of a single dose" ||
  bad "negative values in the tail" "$(grep -h -m2 -- ',-' "$TMP/tail_p.csv" "$TMP/tail_s.csv") $(cat "$TMP/tail.err")"

# ---- a different seed gives different subjects ----
"$GS" population --drug pregabalin --n 200 --seed 8 --dose 150mg --every 12h --days 2 --quiet \
  --percentiles-csv "$TMP/seed8.csv" > /dev/null
"$GS" population --drug pregabalin --n 200 --seed 9 --dose 150mg --every 12h --days 2 --quiet \
  --percentiles-csv "$TMP/seed9.csv" > /dev/null
cmp -s "$TMP/seed8.csv" "$TMP/seed9.csv" && bad "seeds differ" "identical outputs" || ok "seeds 8 and 9 differ"

# ---- dataset mode ----
printf 'ID,TIME,AMT,EVID,CMT,II,ADDL,SS,CRCL\n1,0,150,1,1,12,3,0,80\n1,5,.,0,2,.,.,.,.\n' > "$TMP/d.csv"
if "$GS" population --drug pregabalin --data "$TMP/d.csv" --out "$TMP/pred.csv" 2> "$TMP/e.txt"; then
  head -1 "$TMP/pred.csv" | grep -q 'ID,TIME,AMT,EVID,CMT,II,ADDL,SS,CRCL,PRED,IPRED,IWRES,SIMIPRED,SIMDV' \
    && ok "dataset: PRED, IPRED, IWRES, SIMIPRED, SIMDV appended" || bad "dataset header" "$(head -1 "$TMP/pred.csv")"
else
  bad "dataset mode exits 0" "$(cat "$TMP/e.txt")"
fi

# ---- bad input: exit 2, one line naming the field, empty stdout, nothing written ----
R=(--dose 150mg --every 12h --days 2)
usage_err "--n 0" "'--n' is 0" population --drug pregabalin --n 0 "${R[@]}"
usage_err "--n above the limit" "'--n'" population --drug pregabalin --n 20000000 "${R[@]}"
usage_err "--n missing" "missing '--n'" population --drug pregabalin "${R[@]}"
usage_err "--seed not an integer" "'--seed'" population --drug pregabalin --n 10 --seed 1.5 "${R[@]}"
# --threads has the same limits in every command: 0 (the default, all cores) to 256
usage_err "--threads 257" "'--threads' is 257; allowed 0 to 256" population --drug pregabalin --n 10 --threads 257 "${R[@]}"
usage_err "--threshold 0" "'--threshold'" population --drug pregabalin --n 10 --threshold 0mg/L "${R[@]}"
usage_err "--threshold without unit" "'--threshold'" population --drug pregabalin --n 10 --threshold 2 "${R[@]}"
usage_err "--variability negative" "'--variability'" population --drug pregabalin --n 10 --variability -1 "${R[@]}"
usage_err "--percentiles 0" "strictly between 0 and 100" population --drug pregabalin --n 10 --percentiles 0 "${R[@]}"
usage_err "--percentiles 100" "strictly between 0 and 100" population --drug pregabalin --n 10 --percentiles 2.5,100 "${R[@]}"
usage_err "--percentiles junk" "'--percentiles'" population --drug pregabalin --n 10 --percentiles 5,x "${R[@]}"
usage_err "window outside the profile" "window" population --drug pregabalin --n 10 --window-to 500h "${R[@]}"
usage_err "unknown covariate distribution" "'--covariates'" population --drug pregabalin --n 10 --covariates nosuch "${R[@]}"
usage_err "--covariates with --crcl" "'--crcl'" population --drug pregabalin --n 10 --covariates clbp-atkinson2016 --crcl 50 "${R[@]}"
usage_err "unwritable --percentiles-csv" "--percentiles-csv" population --drug pregabalin --n 10 --percentiles-csv /nonexistent/p.csv "${R[@]}"
usage_err "csv written, plot fails: nothing left" "--plot" population --drug pregabalin --n 10 --summary-csv s.csv --plot /nonexistent/x.svg "${R[@]}"
cat > "$TMP/notpd.json" <<'JSON'
{"schema":"gabasim-drug/1","name":"x","title":"x","model":{"structure":"oral_1cmt_linear",
"parameters":{"ka":{"value":1,"unit":"1/h","source":"t"},"V":{"value":30,"unit":"L","source":"t"},
"CL":{"value":4,"unit":"L/h","source":"t"}},
"variability":{"omega_block":{"parameters":["CL","V"],"covariance":[[0.09,0.2],[0.2,0.04]],"source":"t"}}},
"limits":{"max_dose":{"value":1000,"unit":"mg","source":"t"}}}
JSON
usage_err "omega not positive definite" "not positive definite" population --drug "$TMP/notpd.json" --n 10 "${R[@]}"
printf 'ID,TIME,AMT,EVID,CMT,II,ADDL,SS\n1,0,150,1,1,0,0,1\n' > "$TMP/ss.csv"
usage_err "dataset: SS with II 0" "line 2" population --drug pregabalin --data "$TMP/ss.csv"
printf 'ID,TIME,AMT,EVID\n1,5,150,1\n1,2,.,0\n' > "$TMP/back.csv"
usage_err "dataset: TIME going backwards" "TIME" population --drug pregabalin --data "$TMP/back.csv"
printf 'ID,TIME,AMT,EVID,CMT\n1,0,150,1,7\n' > "$TMP/cmt.csv"
usage_err "dataset: unknown CMT" "CMT" population --drug pregabalin --data "$TMP/cmt.csv"
printf 'ID,TIME,AMT,EVID,CMT,ADDL\n1,0,150,1,1,3\n' > "$TMP/addl.csv"
usage_err "dataset: ADDL without II" "II" population --drug pregabalin --data "$TMP/addl.csv"
usage_err "dataset with --dose" "'--dose'" population --drug pregabalin --data "$TMP/d.csv" --dose 150mg
usage_err "dataset: unwritable --out" "--out" population --drug pregabalin --data "$TMP/d.csv" --out /nonexistent/o.csv

# issue 17 item 10: an output fed back as --data gets its PRED, IPRED and SIMDV replaced, not a
# second set of them beside the first; the same seed gives the same file
"$GS" population --drug pregabalin --data "$TMP/d.csv" --out "$TMP/o1.csv" 2> /dev/null &&
  "$GS" population --drug pregabalin --data "$TMP/o1.csv" --out "$TMP/o2.csv" 2> /dev/null &&
  [ "$(head -1 "$TMP/o2.csv" | tr ',' '\n' | grep -c '^PRED$')" = 1 ] && cmp -s "$TMP/o1.csv" "$TMP/o2.csv" &&
  ok "dataset output read back: one PRED/IPRED/SIMDV set, same values" ||
  bad "dataset output read back" "$(head -1 "$TMP/o2.csv")"

finish
