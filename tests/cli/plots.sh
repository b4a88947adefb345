#!/usr/bin/env bash
# plots.sh - the plots' layout read back from their SVG (tests/cli/svg_layout.py): every text on
# the page and clear of every other, forest-plot names whole and annotations equal to the JSON
# to the printed digits, the prediction interval and favours labels, 500 studies in one tall
# forest plot, the funnel plot's inverted axis, the power curve's 0.8 line, the population's
# threshold line, days on long time axes, a missed dose marked.
# usage: bash plots.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: plots.sh PATH_TO_GABASIM}")
HERE=$(dirname "$(realpath "$0")")
EX=$HERE/../../examples
. "$HERE/lib.sh"

run() { # description, command...: exit 0 expected
  local desc=$1
  shift
  "$@" > "$TMP/out.txt" 2> "$TMP/err.txt" && ok "$desc" || bad "$desc" "$(head -c 300 "$TMP/err.txt")"
}

# 500 studies with '#', commas and long names; the BCG trials (risk ratios); mean differences
python3 - "$TMP" <<'PY'
import random, sys
random.seed(11)
with open(sys.argv[1] + "/k500.csv", "w") as f:
    f.write("study,yi,sei\n")
    for i in range(500):
        f.write('"Trial #%d, a rather long study name (%d)",%.4f,%.4f\n'
                % (i + 1, 1990 + i % 30, random.gauss(-0.5, 0.4), random.uniform(0.1, 0.6)))
with open(sys.argv[1] + "/k1500.csv", "w") as f:
    f.write("study,yi,sei\n")
    for i in range(1500):
        f.write("S%d,%.3f,0.2\n" % (i, random.gauss(0, 0.3)))
PY
printf 'study,m1,sd1,n1,m2,sd2,n2\nSmith 2001,-1.2,2.1,55,-0.9,2.3,53\nJones 2005,-2.0,1.8,120,-1.1,2.0,118\nLee 2010,-1.6,2.2,80,-1.0,2.1,82\n' > "$TMP/md.csv"

run "forest and funnel plots of the BCG trials" "$GS" meta "$EX/bcg-colditz1994.csv" \
  --plot "$TMP/bcg.svg" --funnel "$TMP/funnel.svg"
"$GS" meta "$EX/bcg-colditz1994.csv" --json > "$TMP/bcg.json"
run "forest plot, labels swapped by --favours" "$GS" meta "$TMP/md.csv" \
  --favours "favours placebo,favours drug" --plot "$TMP/md_swap.svg"
run "forest plot without favours labels" "$GS" meta "$TMP/md.csv" --favours none --plot "$TMP/md_none.svg"
"$GS" meta "$TMP/md.csv" --json > "$TMP/md.json"
run "forest plot of mean differences" "$GS" meta "$TMP/md.csv" --plot "$TMP/md.svg"
run "forest plot of 500 studies" "$GS" meta "$TMP/k500.csv" --plot "$TMP/k500.svg"
run "power curve" "$GS" trial "$EX/clbp-gabapentin-trial.json" --replicates 20 --n-grid 20,40 \
  --quiet --plot "$TMP/power.svg"
run "trial plot" "$GS" trial "$EX/clbp-gabapentin-trial.json" --plot "$TMP/trial.svg"
run "population plot with a threshold" "$GS" population --drug gabapentin --n 50 --dose 300mg \
  --every 8h --days 3 --threshold 2mg/L --quiet --plot "$TMP/pop.svg"
run "14-day profile with a missed dose" "$GS" simulate --drug gabapentin --dose 300mg --every 8h \
  --days 14 --miss 56h --plot "$TMP/prof14.svg"
run "2-day profile" "$GS" simulate --drug gabapentin --dose 300mg --every 8h --days 2 \
  --plot "$TMP/prof2.svg"

usage_err "--favours needs two labels" "'--favours' is 'drug'" meta "$EX/bcg-colditz1994.csv" \
  --favours drug --plot f.svg
usage_err "--funnel: unsupported extension" "'--funnel' is 'f.pdf'" meta "$EX/bcg-colditz1994.csv" \
  --funnel f.pdf
usage_err "1500 studies (2 pages) to standard output: refused, no file" "need 2 pages" \
  meta "$TMP/k1500.csv" --plot - # written as pages f-1.svg, f-2.svg: tests/cli/meta_pages.sh
usage_err "--plot and --funnel on one file" "--funnel" meta "$EX/bcg-colditz1994.csv" \
  --plot f.svg --funnel f.svg

python3 - "$TMP" "$HERE" <<'PY'
import json, math, re, sys
tmp, here = sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
import svg_layout as L

passed = failed = 0
def check(desc, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + desc)
    else:
        failed += 1
        print("not ok - %s: %s" % (desc, str(detail)[:400]))

MARKERS = {"\u2022", "\u00d7"}  # PLplot draws point symbols as glyphs
def load(name):
    W, H, texts, lines = L.parse("%s/%s.svg" % (tmp, name))
    words = [t for t in texts if t.s not in MARKERS]
    return W, H, words, lines

def layout_ok(name):
    W, H, t, lines = load(name)
    check("%s: every text inside the page" % name, not L.outside(t, W, H), L.outside(t, W, H)[:3])
    check("%s: no text overlaps another" % name, not L.overlaps(t), L.overlaps(t)[:3])
    return W, H, t, lines

NUM = r"(-?\d+\.\d+)"
ANN = re.compile(r"^%s \[%s, %s\]$" % (NUM, NUM, NUM))
Z95 = 1.959963984540054

def same_row(texts, y):
    return [t for t in texts if abs(t.y - y) < 0.5]

def close(printed, value):
    d = len(printed.split(".")[1])
    return abs(float(printed) - value) <= 0.5 * 10 ** -d + 1e-9

def forest_checks(name, jpath, ratio):
    W, H, t, lines = layout_ok(name)
    d = json.load(open(jpath))
    f = (lambda v: math.exp(v)) if ratio else (lambda v: v)
    by_text = {x.s: x for x in t}
    names = [s["study"] for s in d["studies"]]
    missing = [n for n in names if n not in by_text]
    check("%s: every study name whole as one text" % name, not missing, missing[:3])
    bad = []
    for s in d["studies"]:
        row = same_row(t, by_text[s["study"]].y) if s["study"] in by_text else []
        ann = [ANN.match(x.s) for x in row if ANN.match(x.s)]
        wt = [x.s for x in row if x.s.endswith("%")]
        se = math.sqrt(s["vi"])
        want = (f(s["yi"]), f(s["yi"] - Z95 * se), f(s["yi"] + Z95 * se))
        if len(ann) != 1 or not all(close(p, v) for p, v in zip(ann[0].groups(), want)) or \
           len(wt) != 1 or abs(float(wt[0][:-1]) - s["weight_random_pct"]) > 0.05 + 1e-9:
            bad.append((s["study"], [x.s for x in row], want))
    check("%s: each study's estimate [CI] and weight as in the JSON" % name, not bad, bad[:2])
    for key, label in (("fixed", "Fixed-effect model"), ("random", "Random-effects model")):
        p = d[key]
        row_label = [x for x in t if x.s.startswith(label)]
        ann = [ANN.match(x.s) for x in same_row(t, row_label[0].y)] if row_label else []
        ann = [a for a in ann if a]
        ok_ = len(ann) == 1 and all(close(a, v) for a, v in
                                    zip(ann[0].groups(), [p["estimate"]] + p["ci"]))
        check("%s: the %s row says %s" % (name, key, p["estimate"]), ok_, [x.s for x in t][-12:])
    pi = [x for x in t if x.s == "Prediction interval"]
    pi_ann = [re.match(r"^\[%s, %s\]$" % (NUM, NUM), x.s) for x in same_row(t, pi[0].y)] if pi else []
    pi_ann = [a for a in pi_ann if a]
    want = d["random"]["prediction_interval"]
    check("%s: prediction interval under the random-effects row, as in the JSON" % name,
          len(pi_ann) == 1 and all(close(a, v) for a, v in zip(pi_ann[0].groups(), want))
          and pi[0].y > [x for x in t if x.s.startswith("Random-effects")][0].y, pi_ann)
    return W, H, t

forest_checks("bcg", tmp + "/bcg.json", True)
W, H, t = forest_checks("md", tmp + "/md.json", False)
fav = {x.s: x for x in t if "favours" in x.s}
left, right = fav.get("\u2190 favours drug"), fav.get("favours placebo \u2192")
check("md: 'favours drug' left and 'favours placebo' right, on one row below the axis",
      left and right and left.box[2] < right.box[0] and abs(left.y - right.y) < 0.5
      and left.y > max(x.y for x in t if x.s == "Prediction interval"), list(fav))
W, H, t, _ = layout_ok("md_swap")
fav = {x.s: x for x in t if "favours" in x.s}
check("--favours swaps the labels",
      "\u2190 favours placebo" in fav and "favours drug \u2192" in fav
      and fav["\u2190 favours placebo"].x < fav["favours drug \u2192"].x, list(fav))
W, H, t, _ = layout_ok("md_none")
check("--favours none: no favours label", not [x for x in t if "favours" in x.s])

W, H, t, _ = layout_ok("k500")
names = {x.s for x in t}
want = ["Trial #%d, a rather long study name (%d)" % (i + 1, 1990 + i % 30) for i in range(500)]
check("k500: all 500 names whole (with '#' and commas) on a page %.0f px tall" % H,
      all(n in names for n in want) and H > 500 * 20, [n for n in want if n not in names][:3])

W, H, t, lines = layout_ok("funnel")
k, c, _ = L.axis_y(t)
check("funnel: standard error axis inverted (0 at the top)", k > 0, k)
check("funnel: axis titles", any(x.s == "standard error" for x in t)
      and any(x.s == "Risk ratio (log scale)" for x in t))

W, H, t, lines = layout_ok("power")
k, c, _ = L.axis_y(t)
y08 = k * 0.8 + c
rows = L.dashed_rows(lines)
check("power: a dashed line across the frame at power 0.8 (y %.1f)" % y08,
      any(abs(y - y08) < 1.5 and span > 0.8 * (W - 200) for (_, y), span in rows.items()), rows)
check("power: legend names the 0.8 line", any(x.s == "power 0.8" for x in t))

W, H, t, lines = layout_ok("trial")
title = [x for x in t if x.size >= 16]
legend = [x for x in t if "mean and 95% CI" in x.s]
check("trial: title and both legend entries above the frame, title first",
      title and len(legend) == 2 and max(x.box[3] for x in title) <= min(x.box[1] for x in legend),
      [x.s for x in title])

W, H, t, lines = layout_ok("pop")
k, c, _ = L.axis_y(t)
y2 = k * 2.0 + c
rows = L.dashed_rows(lines)
check("population: a dashed line at the 2 mg/L threshold (y %.1f)" % y2,
      any(abs(y - y2) < 1.5 for (_, y), span in rows.items()), rows)
check("population: 3 days shown in hours", any(x.s == "time (h)" for x in t))

W, H, t, lines = layout_ok("prof14")
check("14-day profile: time axis in days", any(x.s == "time (days)" for x in t))
check("14-day profile: the missed dose in the legend", any(x.s == "missed dose" for x in t))
W2, H2, all_t, _ = L.parse(tmp + "/prof14.svg")
check("14-day profile: one cross marks the one missed dose",
      sum(1 for x in all_t if x.s == "\u00d7") == 2, [x.s for x in all_t if len(x.s) == 1])
# the first dose's tick (red, at time 0) lies inside the frame, clear of its left edge
frame_left = min(min(p[0] for p in pts) for s, pts in lines if s == "#282828")
red = [pts for s, pts in lines if s == "#D62728" and len(pts) == 2 and pts[0][0] == pts[1][0]]
first = min(pts[0][0] for pts in red) if red else None
zero = [x for x in t if x.s == "0" and x.anchor == "middle"]
check("14-day profile: first dose tick at time 0, 3 px or more inside the frame",
      first is not None and first - frame_left >= 3 and zero and abs(zero[0].x - first) < 1,
      (first, frame_left))
W, H, t, _ = layout_ok("prof2")
check("2-day profile: time axis in hours", any(x.s == "time (h)" for x in t))

print("%d layout checks passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
PY_RESULT=$?
[ $PY_RESULT = 0 ] || bad "layout checks" "python exited $PY_RESULT"
# --egger with --funnel: the test's result is printed on the funnel plot, the same z and p as the
# text report (metafor's regtest, checked against R in test_meta_models.c)
"$GS" meta "$EX/bcg-colditz1994.csv" --egger --funnel "$TMP/egger.svg" > "$TMP/egger.txt" 2>&1 &&
  python3 - "$TMP/egger.svg" "$HERE" > "$TMP/egger_note.txt" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import svg_layout as L
for part in L.parse(sys.argv[1]):
    if isinstance(part, list):
        print("\n".join(t.s for t in part if getattr(t, "s", "").startswith("Egger")))
PY
note=$(cat "$TMP/egger_note.txt" 2> /dev/null)
z=$(echo "$note" | sed -n 's/.*z = \(-\{0,1\}[0-9.]*\),.*/\1/p')
[ -n "$z" ] && grep -q -- "$z" "$TMP/egger.txt" && ok "funnel plot carries Egger's test ($note)" ||
  bad "Egger on the funnel plot" "note '$note'; report $(grep -i egger "$TMP/egger.txt" | head -2)"

finish
