#!/usr/bin/env bash
# random_args.sh - issue 17 item 11: a random-argument harness over every command (300 vectors,
# fixed seed). Each vector mixes valid and invalid options and values (wrong units, out of
# range, empty, huge, non-numbers, unknown options, options without values, outputs into missing
# directories). Every run must: exit 0, 1 or 2 (never a signal or a sanitizer abort); print
# exactly one "gabasim: error: " line on stderr when it fails (besides a sanitizer, nothing else);
# leave no temporary file, no file named like an option, and, when it fails, no output file. Runs under ASan in make test-asan.
# usage: bash random_args.sh GABASIM [N] [SEED]
set -u
GS=$(realpath "${1:?usage: random_args.sh PATH_TO_GABASIM [N] [SEED]}")
ROOT=$(dirname "$(realpath "$0")")/../..
. "$(dirname "$(realpath "$0")")/lib.sh"
# under LeakSanitizer (make test-asan) the suppressions' statistics would add lines to stderr
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0"
N=${2:-300}
SEED=${3:-17}
printf 'study,a1,n1,a2,n2\nA,3,10,5,10\nB,4,12,6,11\n' > "$TMP/t.csv"
python3 - "$GS" "$ROOT" "$TMP" "$N" "$SEED" <<'PY'
import os, random, subprocess, sys, shutil
gs, root, tmp, n, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
def pick(*xs): return rng.choice(xs)
num = lambda: pick("1", "0", "-1", "2.5", "1e308", "-1e308", "nan", "inf", "", "abc", "1e-320", "7", "300", "99999999999")
qty = lambda u: pick(num() + u, num(), u, "300" + pick("mg", "g", "kg", "h", "mL/min"), "12" + u)
drug = lambda: pick("gabapentin", "pregabalin", "duloxetine", "nosuch", "", root + "/data/drugs/tizanidine.json", tmp)
out = lambda ext: pick("out" + ext, "sub/none/out" + ext, "", "-", "out.txt", "out" + ext)
patient = lambda: pick([], ["--crcl", num()], ["--crcl", pick("45", "10", "0.5", "200")], ["--dialysis"],
                       ["--scr", qty("mg/dL"), "--age", num(), "--sex", pick("male", "female", "x"), "--weight", qty("kg")],
                       ["--age", pick("80", "40", "-3", "200")], ["--dialysis", "--hd-schedule", pick("sessions=2", "length=13h", "none", "x=1", "day=8")])
regimen = lambda: pick(["--dose", qty("mg"), "--every", qty("h"), "--days", num()],
                       ["--dose", "300mg", "--every", "8h", "--days", pick("1", "2", "0", "400")],
                       ["--titrate", pick("label", "1:300mgx1", "bad", "1:300mgx9"), "--days", pick("3", "1")],
                       ["--dose", "600mg", "--doses", pick("1", "0", "2", "x")], [])
def vector():
    c = pick("simulate", "population", "advise", "trial", "meta", "drugs", "help", "demo", "bogus")
    a = [c]
    if c == "simulate":
        a += ["--drug", drug()] + patient() + regimen()
        a += pick([], ["--csv", out(".csv")], ["--plot", out(".svg")], ["--json"], ["--solver", pick("exact", "cvode", "rk", "auto")], ["--out-every", qty("h")])
    elif c == "population":
        a += ["--drug", drug(), "--n", pick("10", "0", "-1", "x", "20", "2000001")] + patient() + regimen()
        a += pick([], ["--seed", num()], ["--threads", pick("1", "2", "0", "300")], ["--percentiles-csv", out(".csv")],
                  ["--covariates", pick("clbp-atkinson2016", "nosuch", tmp + "/t.csv")], ["--threshold", qty("mg/L")], ["--json"])
    elif c == "advise":
        a += ["--drug", drug()] + patient() + pick([], ["--target", qty("mg")], ["--days", num()], ["--with", pick("morphine", "antacid", "nosuch", "antacid@1h")],
                                                   ["--pain", pick("radicular", "phn", "x")], ["--html", out(".html")], ["--json"])
        a += ["--n", pick("10", "20", "5")]
    elif c == "trial":
        a += [pick(root + "/examples/clbp-gabapentin-trial.json", tmp + "/t.csv", "nosuch.json", "")]
        a += pick([], ["--replicates", pick("2", "0", "x", "3")], ["--seed", num()], ["--json"], ["--csv", out(".csv")])
    elif c == "meta":
        a += [pick(tmp + "/t.csv", root + "/examples/bcg-colditz1994.csv", "nosuch.csv", "-")]
        a += pick([], ["--method", pick("dl", "reml", "fe", "x")], ["--hk"], ["--json"], ["--plot", out(".svg")])
    elif c == "drugs":
        a += pick([], ["gabapentin"], ["nosuch"], ["--json"])
    elif c == "help":
        a += pick([], ["simulate"], ["nosuch"])
    a += pick([], [], [], ["--bogus"], ["--drug"], ["--json", "--json"])
    return a
bad = 0
seen = {}
for i in range(n):
    args = vector()
    d = os.path.join(tmp, "case")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    try:
        p = subprocess.run([gs] + args, cwd=d, capture_output=True, timeout=120,
                           stdin=open(os.path.join(tmp, "t.csv")))
        rc, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    seen[rc] = seen.get(rc, 0) + 1
    left = sorted(os.listdir(d))
    problems = []
    if rc not in (0, 1, 2):
        problems.append("exit %s" % rc)
    lines = [l for l in err.splitlines() if l.strip()]
    if "Sanitizer" in err or "runtime error" in err:
        problems.append("sanitizer report")
    if rc in (1, 2):
        errs = [l for l in lines if l.startswith("gabasim: error: ")]
        if len(errs) != 1 or len(lines) != 1:
            problems.append("stderr not one error line: %r" % err[:300])
        if left:
            problems.append("files left after a failure: %s" % left)
    if any(f.startswith("-") for f in left):
        problems.append("an option taken as a file name: %s" % left)
    if any(".tmp." in f for f in left):
        problems.append("temporary left: %s" % left)
    if problems:
        bad += 1
        print("not ok - vector %d: gabasim %s: %s" % (i, " ".join(repr(x) for x in args), "; ".join(problems)))
print("ok - %d random argument vectors (seed %d): %d with problems; exit statuses %s" %
      (n, seed, bad, dict(sorted(seen.items(), key=str))))
sys.exit(1 if bad else 0)
PY
rc=$?
if [ $rc = 0 ]; then ok "random arguments"; else bad "random arguments" "see above"; fi
finish
