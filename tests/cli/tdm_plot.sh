#!/usr/bin/env bash
# tdm_plot.sh - `gabasim tdm --plot` through the real binary (issue 12, item 3: the predicted
# profile and band). The SVG parses as XML with every text on the page and clear of the others
# (tests/cli/svg_layout.py); one red dot per measured level, centred on the level's time and
# concentration as read back through the axis mapping that the tick labels give; the MAP line
# passes through the individual prediction the text report prints at the level; the band is
# drawn only with draws; the target's dashed line and the regimen's panel appear only with
# --target; days on a long history; PNG by extension; '-' writes the SVG to standard output and
# nothing else; a bad path, a failure after the output was opened or a full disk is a one-line
# error that leaves no file and keeps an existing one. Cases: the documented gabapentin example
# with and without a target, pregabalin over three days (days axis, no band), pregabalin on
# dialysis with an unreachable target (the regimen's fourth week, "NOT reached").
# usage: bash tdm_plot.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: tdm_plot.sh PATH_TO_GABASIM}")
HERE=$(dirname "$(realpath "$0")")
. "$HERE/lib.sh"
# under LeakSanitizer (make test-asan) the suppressions' statistics would add lines to stderr
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"

run() { # description, stdout file, command...: exit 0 and nothing on stderr expected
  local desc=$1 out=$2
  shift 2
  "$@" > "$out" 2> "$TMP/err.txt" && [ ! -s "$TMP/err.txt" ] && ok "$desc" ||
    bad "$desc" "$(head -c 300 "$TMP/err.txt")"
}

# the documented example (docs/tdm.md) with a band and a target; the same without a target;
# pregabalin, three days (a days axis), two levels, no draws (no band)
EX=(tdm --drug gabapentin --dose 300mg --every 8h --days 2 --crcl 35 --age 70
    --level 6.1mg/L@38h --draws 100 --target-draws 50)
PG=(tdm --drug pregabalin --dose 150mg --every 12h --days 3 --crcl 50
    --level 2.1mg/L@71.5h --level 5.3mg/L@62h --draws 0)
run "example with a target, --plot FILE.svg" "$TMP/target.txt" "$GS" "${EX[@]}" \
  --target trough=4mg/L --plot "$TMP/target.svg"
run "example without a target" "$TMP/fit.txt" "$GS" "${EX[@]}" --plot "$TMP/fit.svg"
run "pregabalin, two levels over three days, no draws" "$TMP/pg.txt" "$GS" "${PG[@]}" \
  --plot "$TMP/pg.svg"
# on dialysis, an unreachable trough: the most likely regimen's fourth week, said not reached
run "dialysis, a target not reached" "$TMP/nr.txt" "$GS" tdm --drug pregabalin --dialysis \
  --dose 75mg --every 24h --days 3 --level 3mg/L@71h --target trough=100mg/L --draws 0 \
  --target-draws 50 --plot "$TMP/nr.svg"
expect_in "the text report still printed beside a plot file" "Bayesian estimate (MAP)" "$TMP/target.txt"

python3 - "$TMP" "$HERE" <<'PY'
import re, sys, xml.etree.ElementTree as ET
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

RED, BLUE, GREEN, FRAME = "#D62728", "#1F77B4", "#2CA02C", "#282828"
MARKERS = {"\u2022", "\u00d7"}  # PLplot's point symbols are glyphs: the legend's sample

def fills(path):
    """Filled polygons (PLplot writes them as polylines with a fill): (fill, opacity, pts)."""
    root = ET.parse(path).getroot()
    H = float(root.get("viewBox").split()[3])
    out = []
    for el in root.iter(L.NS + "polyline"):
        if el.get("fill") not in (None, "none"):
            pts = [tuple(float(v) for v in p.split(",")) for p in el.get("points").split()]
            out.append((el.get("fill"), float(el.get("fill-opacity", "1")), [(x, H - y) for x, y in pts]))
    return out

def levels(report):
    """(time h, measured, this patient) of the text report's level table."""
    rows, on = [], False
    for line in open(report):
        f = line.split()
        if f[:2] == ["time", "h"]:
            on = True
        elif on and len(f) == 5:
            rows.append(tuple(float(v) for v in f[:3]))
        elif on:
            break
    return rows

def axes(texts):
    """The left panel's mappings value -> page pixel, from the tick labels alone: y from the
    right-aligned numbers (svg_layout.axis_y), x from the centred numbers on the tick row left of
    the second panel's y labels (if any)."""
    ky, cy, _ = L.axis_y(texts)
    ycols = sorted({round(t.x) for t in texts if t.anchor == "end" and not t.vertical
                    and re.fullmatch(r"-?\d+(\.\d+)?", t.s)})
    split = ycols[1] if len(ycols) > 1 else float("inf")
    nums = [t for t in texts if t.anchor == "middle" and not t.vertical
            and re.fullmatch(r"-?\d+(\.\d+)?", t.s)]
    row = max({round(t.y, 1) for t in nums}, key=lambda y: sum(abs(t.y - y) < 0.5 for t in nums))
    xt = sorted((t for t in nums if abs(t.y - row) < 0.5 and t.x < split), key=lambda t: t.x)
    (v0, x0), (v1, x1) = (float(xt[0].s), xt[0].x), (float(xt[-1].s), xt[-1].x)
    kx = (x1 - x0) / (v1 - v0)
    return kx, x0 - kx * v0, ky, cy, len(ycols)

def check_plot(name, report, target, band, days):
    path = "%s/%s.svg" % (tmp, name)
    try:
        ET.parse(path)
        check("%s: the SVG parses as XML" % name, True)
    except ET.ParseError as e:
        check("%s: the SVG parses as XML" % name, False, e)
        return
    W, H, texts, lines = L.parse(path)
    words = [t for t in texts if t.s not in MARKERS]
    check("%s: every text inside the page" % name, not L.outside(words, W, H), L.outside(words, W, H)[:3])
    check("%s: no text overlaps another (title, legend, headings, ticks)" % name,
          not L.overlaps(words), L.overlaps(words)[:3])
    check("%s: axis titles with units" % name,
          any(t.s == "concentration (mg/L)" for t in words)
          and any(t.s == "time from the first dose (%s)" % ("days" if days else "h") for t in words),
          [t.s for t in words if t.vertical or "time" in t.s])
    kx, cx, ky, cy, ncols = axes(words)
    u = 1 / 24 if days else 1.0
    lv = levels("%s/%s.txt" % (tmp, report))
    def centre(pts):  # the mean of the vertices (a closing repeat of the first left out)
        pts = pts[:-1] if pts[0] == pts[-1] else pts
        return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    dots = [centre(pts) for fill, op, pts in fills(path) if fill == RED and len(pts) >= 20]
    check("%s: one dot per measured level (%d)" % (name, len(lv)), len(dots) == len(lv) >= 1, (dots, lv))
    # each level's dot where the tick labels put its time and concentration (1 px)
    want = sorted((kx * t * u + cx, ky * c + cy) for t, c, _ in lv)
    got = sorted(dots)
    check("%s: the dots at the levels' data coordinates by the axes' ticks" % name,
          len(got) == len(want) and all(abs(g[0] - w[0]) < 1.0 and abs(g[1] - w[1]) < 1.0
                                        for g, w in zip(got, want)), (got, want))
    # the MAP line (solid blue segments) passes through the printed individual prediction
    blue = [pts for s, pts in lines if s == BLUE]
    miss = []
    for t, _, ipred in lv:
        x, y = kx * t * u + cx, ky * ipred + cy
        seg = [p for p in blue if min(p[0][0], p[-1][0]) <= x <= max(p[0][0], p[-1][0])]
        ys = [a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]) for p in seg
              for a, b in zip(p, p[1:]) if a[0] <= x <= b[0] and b[0] > a[0]]
        if not ys or min(abs(v - y) for v in ys) > 1.5:
            miss.append((t, ipred, y, ys))
    check("%s: the MAP line through the printed individual predictions" % name, not miss, miss)
    bands = [1 for fill, op, pts in fills(path) if fill == BLUE and op < 1 and len(pts) > 50]
    check("%s: the posterior band %s" % (name, "drawn" if band else "absent without draws"),
          bool(bands) == band, len(bands))
    rows = L.dashed_rows(lines)
    goal = [(k, span) for k, span in rows.items() if k[0] == GREEN]
    if target:
        value, head, xlabel = target
        yv = ky * value + cy
        check("%s: the target's dashed line at %g mg/L (y %.1f) across both panels" % (name, value, yv),
              any(abs(k[1] - yv) < 1.5 and span > 0.8 * (W - 150) for k, span in goal), goal)
        check("%s: the target in the legend" % name,
              any(t.s == "target: trough \u2265 %g mg/L" % value for t in words))
        check("%s: the regimen's panel with its own time axis and heading '%s...'" % (name, head),
              ncols == 2 and any(t.s == xlabel for t in words)
              and any(t.s.startswith(head) for t in words),
              [t.s for t in words if t.size >= 14 and not t.vertical][:6])
        orange = [1 for fill, op, pts in fills(path) if fill == "#FF7F0E" and op < 1 and len(pts) > 50]
        check("%s: the regimen's band" % name, bool(orange))
    else:
        check("%s: no target line, no second panel without --target" % name,
              not goal and not [s for s, _ in lines if s == GREEN] and ncols == 1
              and not any("steady state" in t.s for t in words), goal)
    # the first dose's tick (red, at time 0) inside the frame, clear of its left edge
    frame_left = min(min(p[0] for p in pts) for s, pts in lines if s == FRAME)
    ticks = [pts for s, pts in lines if s == RED and len(pts) == 2 and abs(pts[0][0] - pts[1][0]) < 0.01]
    first = min(p[0][0] for p in ticks) if ticks else None
    check("%s: the first dose's tick at time 0, 3 px or more inside the frame" % name,
          first is not None and first - frame_left >= 3 and abs(first - cx) < 1, (first, frame_left, cx))

check_plot("target", "target", target=(4, "recommended: 300 mg every 12 h", "time at steady state (h)"),
           band=True, days=False)
check_plot("fit", "fit", target=False, band=True, days=False)
check_plot("pg", "pg", target=False, band=False, days=True)
check_plot("nr", "nr", target=(100, "target NOT reached", "time in the fourth week (days)"),
           band=False, days=True)
print("%d plot checks passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
[ $? = 0 ] || bad "plot checks" "see above"

# PNG by extension; '-': the SVG alone on standard output
run "--plot FILE.png" "$TMP/png.txt" "$GS" "${PG[@]}" --plot "$TMP/pg.png"
[ "$(head -c 8 "$TMP/pg.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
  ok "a .png destination gets a PNG" || bad "a .png destination gets a PNG" "$(head -c 16 "$TMP/pg.png" | od -c | head -2)"
run "--plot - writes standard output" "$TMP/stdout.svg" "$GS" "${PG[@]}" --plot -
python3 -c "import sys, xml.etree.ElementTree as ET; r = ET.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith('svg') else 1)" \
  "$TMP/stdout.svg" 2> /dev/null && ! grep -q "Bayesian estimate" "$TMP/stdout.svg" &&
  ok "--plot -: standard output is the SVG alone" || bad "--plot -: standard output is the SVG alone" "$(head -c 200 "$TMP/stdout.svg")"

# bad destinations: one line, exit 2 as simulate --plot, no file
usage_err "--plot: an extension it cannot draw" "'--plot' is 'x.pdf'" "${PG[@]}" --plot x.pdf
usage_err "--plot - with --json" "both write standard output" "${PG[@]}" --plot - --json
usage_err "--plot into a missing directory" "cannot be written" "${PG[@]}" --plot "$TMP/no/such/dir/x.svg"
"$GS" simulate --drug pregabalin --dose 150mg --every 12h --days 3 --plot "$TMP/no/such/dir/x.svg" > /dev/null 2>&1
sim_rc=$?
"$GS" "${PG[@]}" --plot "$TMP/no/such/dir/x.svg" > /dev/null 2>&1
tdm_rc=$?
[ $sim_rc = $tdm_rc ] && ok "a missing directory: the exit status simulate --plot gives ($tdm_rc)" ||
  bad "same exit status as simulate --plot" "simulate $sim_rc, tdm $tdm_rc"
# a failure after the output was opened (the target is checked after the estimate): the old
# file stays as it was and no temporary file is left beside it
mkdir -p "$TMP/keep" && echo old > "$TMP/keep/levels.svg"
"$GS" "${PG[@]}" --target trough=200000mg/L --plot "$TMP/keep/levels.svg" > "$TMP/keep.out" 2> "$TMP/keep.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$TMP/keep.err")" = 1 ] && [ "$(cat "$TMP/keep/levels.svg")" = old ] &&
  [ "$(ls -A "$TMP/keep")" = levels.svg ] &&
  ok "a failure after opening: one-line error, exit 2, the old file kept, no temporary left" ||
  bad "failure after opening" "exit $rc, $(cat "$TMP/keep.err"); dir: $(ls -A "$TMP/keep")"

# a full disk (a 16 KiB tmpfs in the scratch directory, as tests/cli/full_disk.sh; needs root):
# exit 1, one line naming the file, the previous file kept, no temporary left
D=$TMP/disk
mkdir -p "$D"
if mount -t tmpfs -o size=16k tmpfs "$D" 2> /dev/null; then
  trap 'umount "$D" 2> /dev/null; scan_nan; rm -rf "$TMP"' EXIT
  echo previous > "$D/levels.svg"
  dd if=/dev/zero of="$D/fill" bs=1k count=16 2> /dev/null
  "$GS" "${PG[@]}" --plot "$D/levels.svg" > "$TMP/full.out" 2> "$TMP/full.err"
  rc=$?
  [ $rc = 1 ] && [ "$(wc -l < "$TMP/full.err")" = 1 ] &&
    grep -q "^gabasim: error: writing '$D/levels.svg" "$TMP/full.err" &&
    [ "$(cat "$D/levels.svg")" = previous ] && ! ls -a "$D" | grep -q '\.tmp\.' &&
    ok "a full disk: exit 1, one line, the previous plot kept, no temporary" ||
    bad "a full disk" "exit $rc, $(cat "$TMP/full.err"); $(ls -a "$D")"
else
  echo "# full disk case skipped: cannot mount a small tmpfs here (needs root)"
fi

finish
