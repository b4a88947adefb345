#!/usr/bin/env bash
# meta_pages.sh - issue 11 item 6: a forest plot of any number of studies. Up to
# GS_PLOT_FOREST_MAX_H (32000 px, about 1440 studies) one tall page; beyond, pages FILE-1.svg ..
# FILE-K.svg (or .png), each a whole SVG that says "Page i of K", repeats the column titles, the
# axis and the favours labels, the studies split evenly, every study exactly once, the pooled
# rows and the prediction interval on the last page only. All or nothing: a page that cannot be
# opened (a directory named like page 2), written (a full tmpfs) or renamed (page 2's file a
# mount point) leaves no page, no temporary and the previous files as they were; '-' with more
# than one page is a usage error.
# usage: bash meta_pages.sh PATH_TO_GABASIM
set -u
GS=$(realpath "${1:?usage: meta_pages.sh PATH_TO_GABASIM}")
HERE=$(dirname "$(realpath "$0")")
. "$HERE/lib.sh"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"

python3 - "$TMP" <<'PY'
import random, sys
random.seed(7)
for k in (5000, 1500, 1400):
    with open("%s/k%d.csv" % (sys.argv[1], k), "w") as f:
        f.write("study,yi,sei\n")
        for i in range(k):
            f.write("Study %d,%.3f,%.3f\n" % (i + 1, random.gauss(-0.3, 0.3), random.uniform(0.1, 0.5)))
PY

no_temporaries() { # directory: no .NAME.tmp.XXXXXX left
  ! ls -A "$1" | grep -q '\.tmp\.'
}

# 5000 studies: 4 pages of 1250, listed on stderr, with the funnel plot beside them
D=$TMP/k5000 && mkdir -p "$D"
"$GS" meta "$TMP/k5000.csv" --plot "$D/f.svg" --funnel "$D/fun.svg" > "$TMP/out.txt" 2> "$TMP/err.txt"
rc=$?
if [ $rc = 0 ] && [ "$(ls "$D")" = "$(printf 'f-1.svg\nf-2.svg\nf-3.svg\nf-4.svg\nfun.svg')" ] \
  && no_temporaries "$D"; then ok "5000 studies: f-1.svg to f-4.svg and the funnel plot"
else bad "5000 studies" "exit $rc, files $(ls -A "$D" | tr '\n' ' '), $(cat "$TMP/err.txt")"; fi
expect_in "the pages listed on stderr" "on 4 pages: $D/f-1.svg $D/f-2.svg $D/f-3.svg $D/f-4.svg" "$TMP/err.txt"
[ "$(wc -l < "$TMP/err.txt")" = 1 ] && ok "one line on stderr" || bad "stderr" "$(cat "$TMP/err.txt")"
if command -v xmllint > /dev/null; then
  xmllint --noout "$D"/f-*.svg 2> "$TMP/xml.txt" && ok "every page is well-formed XML (xmllint)" \
    || bad "xmllint" "$(head -c 300 "$TMP/xml.txt")"
fi

python3 - "$D" "$HERE" 5000 4 <<'PY'
import collections, sys
d, here, k, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, here)
import svg_layout as L
passed = failed = 0
def check(desc, cond, detail=""):
    global passed, failed
    passed, failed = (passed + 1, failed) if cond else (passed, failed + 1)
    print(("ok - " if cond else "not ok - ") + desc + ("" if cond else ": " + str(detail)[:300]))
seen = collections.Counter()
pooled = ("Fixed-effect model", "Random-effects model (REML)", "Prediction interval")
for p in range(1, pages + 1):
    W, H, texts, _ = L.parse("%s/f-%d.svg" % (d, p))  # an XML parser: the page is well formed
    s = [t.s for t in texts]
    names = [x for x in s if x.startswith("Study ")]
    seen.update(names)
    check("page %d: at most 32000 px tall (%g)" % (p, H), H <= 32000, H)
    check("page %d says 'Page %d of %d'" % (p, p, pages),
          any(x.startswith("Page %d of %d: studies " % (p, pages)) for x in s), s[:3])
    check("page %d repeats the column titles, axis and favours labels" % p,
          all(x in s for x in ("Study", "Weight", "Effect (as given) [95% CI]", "Effect (as given)",
                               "\u2190 favours drug", "favours placebo \u2192")), s[:6])
    want = k // pages + (p <= k % pages)
    check("page %d: %d studies (split evenly)" % (p, want), len(names) == want, len(names))
    last = p == pages
    check("page %d: pooled rows %s" % (p, "there" if last else "absent"),
          all((x in s) == last for x in pooled), [x for x in pooled if x in s])
    check("page %d: every text inside the page" % p, not L.outside(texts, W, H), L.outside(texts, W, H)[:3])
    check("page %d: no text overlaps another" % p, not L.overlaps(texts), L.overlaps(texts)[:3])
dup = [n for n, c in seen.items() if c != 1]
check("every study on exactly one page", len(seen) == k and not dup
      and set(seen) == {"Study %d" % (i + 1) for i in range(k)}, (len(seen), dup[:5]))
print("%d passed, %d failed (pages)" % (passed, failed))
sys.exit(1 if failed else 0)
PY
[ $? = 0 ] && ok "the pages read back" || bad "the pages read back" "see above"

# PNG pages: 4 whole PNGs, none taller than cairo allows
"$GS" meta "$TMP/k5000.csv" --plot "$D/g.png" > /dev/null 2> "$TMP/err.txt"
python3 - "$D" <<'PY' && ok "5000 studies as PNG: 4 whole pages" || bad "PNG pages" "$(cat "$TMP/err.txt")"
import struct, sys
for p in range(1, 5):
    b = open("%s/g-%d.png" % (sys.argv[1], p), "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n" and b[-8:-4] == b"IEND", p
    w, h = struct.unpack(">II", b[16:24])
    assert h <= 32000, h
PY

# just over one page: 2 pages of 750; just under: one page, as before, no note
D2=$TMP/k1500 && mkdir -p "$D2"
"$GS" meta "$TMP/k1500.csv" --plot "$D2/f.svg" > /dev/null 2> "$TMP/err.txt" \
  && [ "$(ls "$D2" | tr '\n' ' ')" = "f-1.svg f-2.svg " ] && ok "1500 studies: 2 pages" \
  || bad "1500 studies" "$(ls "$D2") $(cat "$TMP/err.txt")"
"$GS" meta "$TMP/k1400.csv" --plot "$D2/one.svg" > /dev/null 2> "$TMP/err.txt" \
  && [ -s "$D2/one.svg" ] && [ ! -e "$D2/one-1.svg" ] && [ ! -s "$TMP/err.txt" ] \
  && ! grep -q "Page 1 of" "$D2/one.svg" && ok "1400 studies: one page, no page line" \
  || bad "1400 studies" "$(cat "$TMP/err.txt")"

usage_err "more than one page to standard output: refused" "need 4 pages" \
  meta "$TMP/k5000.csv" --plot -

# failures half-way leave nothing: page 2 a directory (found when its file is opened, after
# page 1 was drawn)
F=$TMP/fail && mkdir -p "$F/f-2.svg"
"$GS" meta "$TMP/k5000.csv" --plot "$F/f.svg" --funnel "$F/fun.svg" > "$TMP/out.txt" 2> "$TMP/err.txt"
rc=$?
if [ $rc != 0 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && grep -q "f-2.svg" "$TMP/err.txt" \
  && [ "$(ls -A "$F")" = "f-2.svg" ]; then ok "page 2 a directory: exit $rc, one error line, no file left"
else bad "page 2 a directory" "exit $rc, $(ls -A "$F" | tr '\n' ' ') $(cat "$TMP/err.txt")"; fi

M=$TMP/mnt && mkdir -p "$M"
if mount -t tmpfs -o size=6m tmpfs "$M" 2> /dev/null; then
  trap 'rc=$?; umount "$M/f-2.svg" 2> /dev/null; umount "$M" 2> /dev/null; (exit $rc); scan_nan; rm -rf "$TMP"' EXIT
  # a disk with room for one page and a half (3.4 MB each): the write of page 2 fails
  "$GS" meta "$TMP/k5000.csv" --plot "$M/f.svg" > "$TMP/out.txt" 2> "$TMP/err.txt"
  rc=$?
  if [ $rc = 1 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && [ -z "$(ls -A "$M")" ]; then
    ok "full disk at page 2: exit 1, one error line, no file left"
  else bad "full disk at page 2" "exit $rc, $(ls -A "$M" | tr '\n' ' ') $(cat "$TMP/err.txt")"; fi
  umount "$M"
  # the rename of page 2 fails (its file is a mount point: EBUSY) after page 1 was renamed: page 1
  # is put back as it was, pages 3 and 4 never appear
  mount -t tmpfs -o size=64m tmpfs "$M"
  echo previous > "$M/f-1.svg" && echo second > "$M/f-2.svg" && echo other > "$TMP/other"
  if mount --bind "$TMP/other" "$M/f-2.svg" 2> /dev/null; then
    "$GS" meta "$TMP/k5000.csv" --plot "$M/f.svg" > "$TMP/out.txt" 2> "$TMP/err.txt"
    rc=$?
    if [ $rc = 1 ] && [ "$(wc -l < "$TMP/err.txt")" = 1 ] && grep -q "f-2.svg" "$TMP/err.txt" \
      && [ "$(cat "$M/f-1.svg")" = previous ] && [ "$(ls -A "$M" | tr '\n' ' ')" = "f-1.svg f-2.svg " ]; then
      ok "rename of page 2 fails: page 1 put back, nothing else left"
    else bad "rename of page 2 fails" "exit $rc, $(ls -A "$M" | tr '\n' ' '), f-1: $(head -c 20 "$M/f-1.svg"), $(cat "$TMP/err.txt")"; fi
    umount "$M/f-2.svg"
  else echo "skipped: bind mount of a file"; fi
  umount "$M"
else
  echo "skipped: the full-disk and failed-rename cases need a small tmpfs (root)"
fi
finish
