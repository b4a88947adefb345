#!/usr/bin/env bash
# outputs.sh - the gabasim CLI's successful outputs: version, help, drugs, CSV, SVG/PNG, JSON, demo.
#
# usage: bash outputs.sh PATH_TO_GABASIM
#
# Prints "ok - ..." or "not ok - ...: details" per check and "N passed, M failed" last; exits
# non-zero when any check failed. Needs python3 (standard library only) for the JSON checks.
set -u

if [ $# -ne 1 ]; then
    echo "usage: bash $0 PATH_TO_GABASIM" >&2
    exit 2
fi
case "$1" in
/*) GABASIM=$1 ;;
*) GABASIM=$PWD/$1 ;;
esac
if [ ! -x "$GABASIM" ]; then
    echo "$0: '$GABASIM' is not an executable" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gabasim-outputs.XXXXXX") || exit 2
. "$(dirname "${BASH_SOURCE[0]}")/nan_scan.sh"
trap 'scan_nan; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
# Outputs with relative names (demo's default plot) land here, never in the repository.
cd "$TMP" || exit 2

PASSED=0
FAILED=0
N_RUN=0
TIMEOUT=${GABASIM_TEST_TIMEOUT:-120}

ok() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

not_ok() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1: $2"
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds; otherwise its stderr/stdout is the detail.
check() {
    local desc=$1
    shift
    local msg
    if msg=$("$@" 2>&1); then
        ok "$desc"
    else
        not_ok "$desc" "${msg:-failed}"
    fi
}

show() {
    local s
    s=$(head -c 400 "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
    printf '%s' "$s"
}

# run NAME ARGS...: runs gabasim; stdout in $TMP/NAME.out, stderr in $TMP/NAME.err, status in RC.
run() {
    local name=$1
    shift
    N_RUN=$((N_RUN + 1))
    timeout "$TIMEOUT" "$GABASIM" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    RC=$?
}

# expect_ok DESCRIPTION NAME: the run NAME exited 0.
expect_ok() {
    if [ "$RC" -eq 0 ]; then
        ok "$1"
    else
        not_ok "$1" "exit $RC, stderr '$(show "$TMP/$2.err")'"
    fi
}

# ---- helpers used through check ----
stdout_matches() { # NAME EXTENDED-REGEX
    grep -Eq -- "$2" "$TMP/$1.out" || {
        echo "stdout lacks /$2/: '$(show "$TMP/$1.out")'"
        return 1
    }
}

file_starts_with_hex() { # FILE HEX
    [ -s "$1" ] || {
        echo "'$1' is missing or empty"
        return 1
    }
    local got
    got=$(head -c $((${#2} / 2)) "$1" | od -An -tx1 | tr -d ' \n')
    [ "$got" = "$2" ] || {
        echo "'$1' starts with bytes $got, expected $2"
        return 1
    }
}

file_min_size() { # FILE BYTES
    [ -f "$1" ] || {
        echo "'$1' does not exist"
        return 1
    }
    local n
    n=$(wc -c <"$1")
    [ "$n" -ge "$2" ] || {
        echo "'$1' has $n bytes, expected at least $2"
        return 1
    }
}

stderr_empty() { # NAME
    [ ! -s "$TMP/$1.err" ] || {
        echo "stderr: '$(show "$TMP/$1.err")'"
        return 1
    }
}

# ---- version and help ----
run version --version
expect_ok "--version exits 0" version
check "--version prints 'gabasim X.Y.Z'" \
    bash -c '[ "$(wc -l <"$1")" -eq 1 ] && grep -Eqx "gabasim [0-9]+\.[0-9]+\.[0-9]+" "$1" ||
             { echo "got: $(cat "$1")"; exit 1; }' _ "$TMP/version.out"

run help help
expect_ok "help exits 0" help
for c in simulate drugs demo; do
    check "help lists '$c'" stdout_matches help "^ +$c "
done

run help_sim help simulate
expect_ok "help simulate exits 0" help_sim
for o in drug dose every days doses titrate miss extra start-steady crcl scr age sex weight height \
    dialysis until out-every solver csv plot json; do
    check "help simulate mentions --$o" stdout_matches help_sim "--$o([^a-z-]|$)"
done
run sim_help simulate --help
expect_ok "simulate --help exits 0" sim_help
check "simulate --help prints the same text as help simulate" cmp -s "$TMP/help_sim.out" "$TMP/sim_help.out"

# ---- drugs ----
run drugs drugs
expect_ok "drugs exits 0" drugs
check "drugs lists gabapentin" stdout_matches drugs "^gabapentin "
check "drugs lists pregabalin" stdout_matches drugs "^pregabalin "

for d in gabapentin pregabalin; do
    run "drug_$d" drugs "$d"
    expect_ok "drugs $d exits 0" "drug_$d"
    # Every parameter line ("  NAME = VALUE UNIT meaning") is followed by a "source:" line.
    check "drugs $d prints each parameter with a source: line" python3 - "$TMP/drug_$d.out" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
params = [i for i, l in enumerate(lines) if re.match(r"^  \S+\s+= ", l)]
if len(params) < 4:
    sys.exit("found %d parameter lines, expected at least 4" % len(params))
for i in params:
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    m = re.match(r"^\s+source: (.*\S)", nxt)
    if not m:
        sys.exit("parameter line %r is not followed by a non-empty 'source:' line (got %r)"
                 % (lines[i].strip(), nxt))
EOF
done
check "drugs gabapentin shows the 3600 mg ceiling" stdout_matches drug_gabapentin "ceiling: 3600 mg"
check "drugs pregabalin shows the 600 mg ceiling" stdout_matches drug_pregabalin "ceiling: 600 mg"

# ---- simulate: CSV, SVG, JSON ----
F=$TMP/F
run sim simulate --drug gabapentin --dose 300mg --every 8h --days 7 --csv "$F.csv" --plot "$F.svg" --json
expect_ok "simulate --csv --plot F.svg --json exits 0" sim
check "simulate --json leaves stderr empty" stderr_empty sim
check "CSV header starts with time_h,conc_mg_L" \
    bash -c 'head -n 1 "$1" | grep -q "^time_h,conc_mg_L" || { echo "header: $(head -n 1 "$1")"; exit 1; }' \
    _ "$F.csv"
CSV_ROWS=$(($(grep -c . "$F.csv" 2>/dev/null || echo 0) - 1))
check "CSV has 673 data rows (0.25 h over 168 h)" \
    bash -c '[ "$1" -eq 673 ] || { echo "got $1 data rows"; exit 1; }' _ "$CSV_ROWS"
check "CSV rows are numeric, times from 0 to 168 h in 0.25 h steps" python3 - "$F.csv" <<'EOF'
import csv, math, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
head, data = rows[0], rows[1:]
for k, r in enumerate(data):
    if len(r) != len(head):
        sys.exit("row %d has %d fields, header has %d" % (k + 1, len(r), len(head)))
    vals = [float(x) for x in r[:2]]
    if not all(math.isfinite(v) for v in vals) or vals[1] < 0:
        sys.exit("row %d is %r" % (k + 1, r))
    if abs(vals[0] - 0.25 * k) > 1e-6:
        sys.exit("row %d has time %s, expected %g" % (k + 1, r[0], 0.25 * k))
EOF
check "no temporary files left beside the outputs" \
    bash -c 'left=$(ls -A "$1" | grep "^\.") && { echo "left: $left"; exit 1; } || exit 0' _ "$TMP"
check "SVG starts with an XML or SVG header" \
    bash -c 'head -c 200 "$1" | tr -d "\n" | grep -Eq "^[[:space:]]*<(\?xml|svg)" ||
             { echo "starts: $(head -c 80 "$1")"; exit 1; }' _ "$F.svg"
check "SVG contains an <svg> element" grep -q "<svg" "$F.svg"
check "SVG is non-trivial (>= 2000 bytes)" file_min_size "$F.svg" 2000

check "JSON on stdout parses with summary, profile and notice" python3 - "$TMP/sim.out" "$CSV_ROWS" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
n_csv = int(sys.argv[2])
if not isinstance(doc, dict):
    sys.exit("top level is %s, expected an object" % type(doc).__name__)
s = doc.get("summary")
if not isinstance(s, dict):
    sys.exit("no 'summary' object")
keys = ["cmax_mg_L", "tmax_h", "auc_mg_h_L", "half_life_h", "ss_cmin_mg_L", "ss_cmax_mg_L",
        "ss_cavg_mg_L", "fraction_absorbed", "crcl_mL_min"]
bad = [k for k in keys
       if not isinstance(s.get(k), (int, float)) or isinstance(s.get(k), bool)]
if bad:
    sys.exit("summary keys missing or not numbers: %s" % ", ".join(
        "%s=%r" % (k, s.get(k)) for k in bad))
p = doc.get("profile")
if not isinstance(p, list):
    sys.exit("'profile' is not an array")
for i, pt in enumerate(p):
    if not (isinstance(pt, dict) and isinstance(pt.get("time_h"), (int, float))
            and isinstance(pt.get("conc_mg_L"), (int, float))):
        sys.exit("profile[%d] is %r" % (i, pt))
if len(p) != n_csv:
    sys.exit("profile has %d points, the CSV %d rows" % (len(p), n_csv))
n = doc.get("notice")
if not isinstance(n, str) or "does not replace" not in n:
    sys.exit("'notice' is %r" % (n,))
EOF
check "JSON summary values are plausible (Cmax > 0, 0 < Tmax, 0 < F <= 1, CrCl 100)" \
    python3 - "$TMP/sim.out" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
probs = []
if not s["cmax_mg_L"] > 0: probs.append("cmax_mg_L %r" % s["cmax_mg_L"])
if not 0 < s["tmax_h"] <= 168: probs.append("tmax_h %r" % s["tmax_h"])
if not s["auc_mg_h_L"] > 0: probs.append("auc_mg_h_L %r" % s["auc_mg_h_L"])
if not 0 < s["fraction_absorbed"] <= 1: probs.append("fraction_absorbed %r" % s["fraction_absorbed"])
if not s["ss_cmin_mg_L"] <= s["ss_cavg_mg_L"] <= s["ss_cmax_mg_L"]:
    probs.append("ss cmin/cavg/cmax %r/%r/%r" % (s["ss_cmin_mg_L"], s["ss_cavg_mg_L"], s["ss_cmax_mg_L"]))
if abs(s["crcl_mL_min"] - 100) > 1e-9: probs.append("crcl_mL_min %r" % s["crcl_mL_min"])
if probs:
    sys.exit("; ".join(probs))
EOF

# The text summary (no --json) carries the clinical notice too.
run text simulate --drug gabapentin --dose 300mg --every 8h --days 7
expect_ok "simulate (text summary) exits 0" text
check "text summary mentions Cmax" stdout_matches text "Cmax"
check "text summary carries the notice ('does not replace')" stdout_matches text "does not replace"

# PNG plot
run png simulate --drug gabapentin --dose 300mg --every 8h --days 7 --plot "$F.png"
expect_ok "simulate --plot F.png exits 0" png
check "PNG starts with the PNG magic bytes" file_starts_with_hex "$F.png" 89504e470d0a1a0a
check "PNG is non-trivial (>= 1000 bytes)" file_min_size "$F.png" 1000

# Single dose: AUC to infinity
run single simulate --drug gabapentin --dose 600mg --doses 1 --json
expect_ok "simulate --doses 1 --json exits 0" single
check "--doses 1 JSON has auc_interval '0-infinity'" python3 - "$TMP/single.out" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
v = doc.get("summary", {}).get("auc_interval")
if v != "0-infinity":
    sys.exit("summary.auc_interval is %r" % (v,))
EOF

# Pregabalin with a creatinine-derived clearance, JSON
run preg simulate --drug pregabalin --dose 150mg --every 12h --days 14 --scr 1.4mg/dL --age 72 \
    --sex female --weight 70kg --json
expect_ok "pregabalin with --scr/--age/--sex/--weight --json exits 0" preg
check "pregabalin JSON reports the Cockcroft-Gault CrCl (about 37.6 mL/min)" \
    python3 - "$TMP/preg.out" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["summary"]
want = 0.85 * (140 - 72) * 70 / (72 * 1.4)
if abs(s["crcl_mL_min"] - want) > 0.05:
    sys.exit("crcl_mL_min %r, expected %.2f" % (s["crcl_mL_min"], want))
EOF

# Valid inputs near the edges still simulate.
run tit simulate --drug gabapentin --titrate label --days 7
expect_ok "gabapentin --titrate label --days 7 exits 0" tit
run tit2 simulate --drug gabapentin --titrate 1:300mgx1,2:300mgx2 --days 7
expect_ok "gabapentin --titrate 1:300mgx1,2:300mgx2 --days 7 exits 0" tit2
run small simulate --drug gabapentin --dose 0.01mg --every 8h --days 1
expect_ok "gabapentin --dose 0.01mg (the documented minimum) exits 0" small
run big simulate --drug gabapentin --dose 3600mg --every 8h --days 3
expect_ok "gabapentin --dose 3600mg (the documented ceiling) exits 0" big

# ---- demo ----
run demo demo --plot "$TMP/d.svg"
expect_ok "demo --plot DIR/d.svg exits 0" demo
check "demo writes its plot" file_min_size "$TMP/d.svg" 2000
# outputs get the usual permissions (0666 less the umask), not mkstemp's 0600
want_mode=$(printf '%o' $((0666 & ~0$(umask))))
got_mode=$(stat -c %a "$TMP/d.svg")
if [ "$got_mode" = "$want_mode" ]; then ok_mode=1; else ok_mode=0; fi
check_mode() { [ "$ok_mode" = 1 ] || { echo "mode $got_mode, expected $want_mode"; return 1; }; }
check "output file permissions follow the umask" check_mode
check "demo prints a summary" stdout_matches demo "Cmax"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
