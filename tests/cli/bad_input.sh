#!/usr/bin/env bash
# bad_input.sh - every bad input to the gabasim CLI fails cleanly.
#
# usage: bash bad_input.sh PATH_TO_GABASIM
#
# For each case the real binary is run in a fresh, empty working directory and the test asserts:
#   - the exit status (2 for usage errors, 1 for runtime failures),
#   - stderr is exactly one line, starting with "gabasim: error: " and containing the expected
#     substrings (the option or field name and/or the offending value),
#   - stdout is empty,
#   - the working directory is still empty afterwards (no output file, no hidden temporary file).
# Prints "ok - ..." or "not ok - ...: details" per case and "N passed, M failed" last; exits
# non-zero when any case failed. GABASIM_TEST_VERBOSE=1 also prints each case's stderr.
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

TMP=$(mktemp -d "${TMPDIR:-/tmp}/gabasim-bad-input.XXXXXX") || exit 2
. "$(dirname "${BASH_SOURCE[0]}")/nan_scan.sh"
trap 'scan_nan; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
N_CASE=0
TIMEOUT=${GABASIM_TEST_TIMEOUT:-60}

ok() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

not_ok() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1: $2"
}

# Quote a file's content on one line for a failure message (newlines shown as \n).
show() {
    local s
    s=$(head -c 600 "$1" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
    printf '%s' "$s"
}

# expect_fail RC DESCRIPTION SUBSTRING... -- ARGS...
# Runs "gabasim ARGS..." in a fresh empty directory (exported as $CASE_DIR beforehand by
# new_case_dir, so ARGS may name files inside it) and checks the failure contract.
expect_fail() {
    local want_rc=$1 desc=$2
    shift 2
    local subs=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        subs+=("$1")
        shift
    done
    if [ $# -eq 0 ]; then
        not_ok "$desc" "test bug: no '--' before the arguments"
        return
    fi
    shift
    local dir=$CASE_DIR out=$TMP/stdout.$N_CASE err=$TMP/stderr.$N_CASE rc
    (cd "$dir" && exec timeout "$TIMEOUT" "$GABASIM" "$@") >"$out" 2>"$err"
    rc=$?
    local problems=()
    if [ "$rc" -eq 124 ]; then
        problems+=("timed out after ${TIMEOUT}s")
    elif [ "$rc" -gt 128 ]; then
        problems+=("killed by signal $((rc - 128)) (exit $rc)")
    elif [ "$rc" -ne "$want_rc" ]; then
        problems+=("exit status $rc, expected $want_rc")
    fi
    local lines
    lines=$(wc -l <"$err")
    if [ ! -s "$err" ]; then
        problems+=("stderr is empty")
    elif [ "$lines" -ne 1 ] || [ -n "$(tail -c 1 "$err")" ]; then
        problems+=("stderr is not exactly one line: '$(show "$err")'")
    else
        local line
        line=$(cat "$err")
        case "$line" in
        "gabasim: error: "*) ;;
        *) problems+=("stderr does not start with 'gabasim: error: ': '$line'") ;;
        esac
        local s
        for s in "${subs[@]}"; do
            case "$line" in
            *"$s"*) ;;
            *) problems+=("stderr lacks '$s': '$line'") ;;
            esac
        done
    fi
    if [ -s "$out" ]; then
        problems+=("stdout is not empty: '$(show "$out")'")
    fi
    local left
    left=$(cd "$dir" && ls -A)
    if [ -n "$left" ]; then
        problems+=("files left in the output directory: $(echo "$left" | tr '\n' ' ')")
    fi
    if [ -n "${GABASIM_TEST_VERBOSE:-}" ]; then
        echo "#   exit $rc, stderr: $(show "$err")"
    fi
    if [ ${#problems[@]} -eq 0 ]; then
        ok "$desc"
    else
        local msg="" p
        for p in "${problems[@]}"; do
            msg="${msg:+$msg; }$p"
        done
        not_ok "$desc" "$msg"
    fi
}

# A fresh, empty directory for the next case's outputs; also its working directory.
new_case_dir() {
    N_CASE=$((N_CASE + 1))
    CASE_DIR=$TMP/case.$N_CASE
    mkdir "$CASE_DIR"
}

# usage error (exit 2)
usage_err() {
    new_case_dir
    expect_fail 2 "$@"
}

# runtime failure (exit 1)
runtime_err() {
    new_case_dir
    expect_fail 1 "$@"
}

G=(simulate --drug gabapentin)
RX=(--dose 300mg --every 8h --days 7)

# ---- commands ----
usage_err "unknown command" "unknown command" "nosuchcommand" -- nosuchcommand
usage_err "help for an unknown command" "nosuchcommand" -- help nosuchcommand
usage_err "drugs with an unknown name" "nosuchdrug" "gabapentin" "pregabalin" -- drugs nosuchdrug
usage_err "drugs with two names" "drugs" -- drugs gabapentin pregabalin
usage_err "demo with an unknown option" "demo" -- demo --foo

# ---- drug ----
usage_err "unknown drug lists the known drugs" "--drug" "nosuchdrug" "gabapentin" "pregabalin" \
    -- simulate --drug nosuchdrug "${RX[@]}"
usage_err "drug name that is neither a name nor a path" "--drug" "Gaba Pentin" \
    -- simulate --drug "Gaba Pentin" "${RX[@]}"
usage_err "missing --drug" "--drug" -- simulate "${RX[@]}"

# ---- dose ----
usage_err "dose 0mg" "--dose" "0 mg" -- "${G[@]}" --dose 0mg --every 8h --days 7
usage_err "dose -5mg" "--dose" "-5 mg" -- "${G[@]}" --dose -5mg --every 8h --days 7
usage_err "gabapentin dose 5000mg above the 3600 mg ceiling" "--dose" "5000" "3600" \
    -- "${G[@]}" --dose 5000mg --every 8h --days 7
usage_err "gabapentin dose 4g above the 3600 mg ceiling" "--dose" "4000" "3600" \
    -- "${G[@]}" --dose 4g --every 8h --days 7
usage_err "pregabalin dose 700mg above the 600 mg ceiling" "--dose" "700" "600" \
    -- simulate --drug pregabalin --dose 700mg --every 12h --days 7
usage_err "pregabalin dose 601mg above the 600 mg ceiling" "--dose" "601" "600" \
    -- simulate --drug pregabalin --dose 601mg --every 12h --days 7
usage_err "dose '300 mgs' (unknown unit)" "--dose" "mgs" -- "${G[@]}" --dose "300 mgs" --every 8h --days 7
usage_err "dose 300mgs (unknown unit)" "--dose" "mgs" -- "${G[@]}" --dose 300mgs --every 8h --days 7
usage_err "dose abc" "--dose" "abc" -- "${G[@]}" --dose abc --every 8h --days 7
usage_err "dose 1e999mg (overflow)" "--dose" "1e999mg" -- "${G[@]}" --dose 1e999mg --every 8h --days 7
usage_err "dose nanmg" "--dose" "nanmg" -- "${G[@]}" --dose nanmg --every 8h --days 7
usage_err "dose infmg" "--dose" "infmg" -- "${G[@]}" --dose infmg --every 8h --days 7
usage_err "dose 0x10mg (hex)" "--dose" "0x10mg" -- "${G[@]}" --dose 0x10mg --every 8h --days 7
usage_err "dose +0x10mg (signed hex)" "--dose" "+0x10mg" -- "${G[@]}" --dose +0x10mg --every 8h --days 7
usage_err "dose -0x10mg (signed hex)" "--dose" "-0x10mg" -- "${G[@]}" --dose -0x10mg --every 8h --days 7
usage_err "dose 300 without a unit" "--dose" "300" "unit" -- "${G[@]}" --dose 300 --every 8h --days 7
usage_err "dose in a time unit (300h)" "--dose" "'h'" -- "${G[@]}" --dose 300h --every 8h --days 7
usage_err "empty dose" "--dose" -- "${G[@]}" --dose "" --every 8h --days 7
usage_err "missing --dose" "--dose" -- "${G[@]}" --every 8h --days 7

# ---- interval ----
usage_err "interval 0h" "--every" "0 h" -- "${G[@]}" --dose 300mg --every 0h --days 7
usage_err "interval -8h" "--every" "-8 h" -- "${G[@]}" --dose 300mg --every -8h --days 7
usage_err "interval 200h (too long)" "--every" "200 h" "168" -- "${G[@]}" --dose 300mg --every 200h --days 7
usage_err "interval 8hrs (unknown unit)" "--every" "hrs" -- "${G[@]}" --dose 300mg --every 8hrs --days 7
usage_err "interval 8 without a unit" "--every" "8" "unit" -- "${G[@]}" --dose 300mg --every 8 --days 7
usage_err "missing --every with --days" "--every" -- "${G[@]}" --dose 300mg --days 7

# ---- duration / number of doses ----
usage_err "--days 0" "--days" "0" -- "${G[@]}" --dose 300mg --every 8h --days 0
usage_err "--days -1" "--days" "-1" -- "${G[@]}" --dose 300mg --every 8h --days -1
usage_err "--days 400 (beyond 365 days)" "--days" "400" "365" -- "${G[@]}" --dose 300mg --every 8h --days 400
usage_err "--days 1e-9 (no dose falls inside it)" "--days" -- "${G[@]}" --dose 300mg --every 8h --days 1e-9
usage_err "--days abc" "--days" "abc" -- "${G[@]}" --dose 300mg --every 8h --days abc
usage_err "--days nan" "--days" "nan" -- "${G[@]}" --dose 300mg --every 8h --days nan
usage_err "--days 0x10 (hex)" "--days" "0x10" -- "${G[@]}" --dose 300mg --every 8h --days 0x10
usage_err "--days 7d (a unit where none is taken)" "--days" "7d" -- "${G[@]}" --dose 300mg --every 8h --days 7d
usage_err "--doses 0" "--doses" "0" -- "${G[@]}" --dose 300mg --every 8h --doses 0
usage_err "--doses 1.5" "--doses" "1.5" -- "${G[@]}" --dose 300mg --every 8h --doses 1.5
usage_err "--doses -2" "--doses" "-2" -- "${G[@]}" --dose 300mg --every 8h --doses -2
usage_err "--doses 99999999999999999999" "--doses" "99999999999999999999" \
    -- "${G[@]}" --dose 300mg --every 8h --doses 99999999999999999999
usage_err "missing --days and --doses" "--days" "--doses" -- "${G[@]}" --dose 300mg --every 8h
usage_err "--days and --doses together" "--days" "--doses" -- "${G[@]}" --dose 300mg --every 8h --days 7 --doses 3

# ---- patient ----
usage_err "age 5" "--age" "5" -- "${G[@]}" "${RX[@]}" --age 5
usage_err "age 130" "--age" "130" -- "${G[@]}" "${RX[@]}" --age 130
usage_err "age abc" "--age" "abc" -- "${G[@]}" "${RX[@]}" --age abc
usage_err "weight 10kg" "--weight" "10 kg" -- "${G[@]}" "${RX[@]}" --weight 10kg
usage_err "weight 400kg" "--weight" "400 kg" -- "${G[@]}" "${RX[@]}" --weight 400kg
usage_err "weight 70 without a unit" "--weight" "70" "unit" -- "${G[@]}" "${RX[@]}" --weight 70
usage_err "height 20cm" "--height" "20 cm" -- "${G[@]}" "${RX[@]}" --height 20cm
usage_err "scr 50mg/dL" "--scr" "50 mg/dL" \
    -- "${G[@]}" "${RX[@]}" --scr 50mg/dL --age 60 --sex male --weight 70kg
usage_err "scr 0.05mg/dL" "--scr" "0.05 mg/dL" \
    -- "${G[@]}" "${RX[@]}" --scr 0.05mg/dL --age 60 --sex male --weight 70kg
usage_err "scr 1.2mg/dl (wrong case unit)" "--scr" "mg/dl" \
    -- "${G[@]}" "${RX[@]}" --scr 1.2mg/dl --age 60 --sex male --weight 70kg
usage_err "crcl 0" "--crcl" "0 mL/min" -- "${G[@]}" "${RX[@]}" --crcl 0
usage_err "crcl 300" "--crcl" "300 mL/min" -- "${G[@]}" "${RX[@]}" --crcl 300
usage_err "crcl -3" "--crcl" "-3 mL/min" -- "${G[@]}" "${RX[@]}" --crcl -3
usage_err "crcl 60ml/min (unknown unit)" "--crcl" "ml/min" -- "${G[@]}" "${RX[@]}" --crcl 60ml/min
usage_err "scr without age, sex, weight" "--scr" "--age" -- "${G[@]}" "${RX[@]}" --scr 1.2mg/dL
usage_err "scr without sex" "--scr" "--sex" -- "${G[@]}" "${RX[@]}" --scr 1.2mg/dL --age 60 --weight 70kg
usage_err "scr without weight" "--scr" "--weight" -- "${G[@]}" "${RX[@]}" --scr 1.2mg/dL --age 60 --sex female
usage_err "crcl together with scr" "--crcl" "--scr" \
    -- "${G[@]}" "${RX[@]}" --crcl 60 --scr 1.2mg/dL --age 60 --sex male --weight 70kg
usage_err "dialysis with crcl 90" "--dialysis" "90" -- "${G[@]}" "${RX[@]}" --dialysis --crcl 90
usage_err "bad --sex" "--sex" "unknown" -- "${G[@]}" "${RX[@]}" --sex unknown

# ---- option syntax ----
usage_err "unknown option" "--frobnicate" -- "${G[@]}" "${RX[@]}" --frobnicate 3
usage_err "option given twice" "--dose" "more than once" -- "${G[@]}" "${RX[@]}" --dose 600mg
usage_err "option missing its value" "--days" "needs a value" -- "${G[@]}" --dose 300mg --every 8h --days
usage_err "flag given a value" "--json" -- "${G[@]}" "${RX[@]}" --json=yes
usage_err "stray positional argument" "stray" -- "${G[@]}" "${RX[@]}" stray
usage_err "bad --solver" "--solver" "rk4" -- "${G[@]}" "${RX[@]}" --solver rk4

# ---- titration ----
T=(--days 7)
usage_err "titrate 1:300mg (no xN)" "--titrate" "1:300mg" -- "${G[@]}" --titrate 1:300mg "${T[@]}"
usage_err "titrate days out of order" "--titrate" "day 1" \
    -- "${G[@]}" --titrate 2:300mgx1,1:300mgx2 "${T[@]}"
usage_err "titrate 0 doses a day" "--titrate" "0" -- "${G[@]}" --titrate 1:300mgx0 "${T[@]}"
usage_err "titrate 25 doses a day" "--titrate" "25" -- "${G[@]}" --titrate 1:300mgx25 "${T[@]}"
usage_err "titrate dose above the ceiling" "--dose" "5000" "3600" \
    -- "${G[@]}" --titrate 1:300mgx1,2:5000mgx2 "${T[@]}"
usage_err "titrate unknown schedule name" "--titrate" "nosuchschedule" \
    -- "${G[@]}" --titrate nosuchschedule "${T[@]}"
usage_err "titrate together with --dose" "--titrate" "--dose" \
    -- "${G[@]}" --titrate label --dose 300mg "${T[@]}"

# ---- missed and extra doses ----
usage_err "miss at a time with no scheduled dose" "--miss" "5 h" -- "${G[@]}" "${RX[@]}" --miss 5h
usage_err "miss after the last dose" "--miss" "200 h" -- "${G[@]}" "${RX[@]}" --miss 200h
usage_err "miss without a unit" "--miss" "32" "unit" -- "${G[@]}" "${RX[@]}" --miss 32
usage_err "extra 300mg (no @TIME)" "--extra" "300mg" -- "${G[@]}" "${RX[@]}" --extra 300mg
usage_err "extra 300mg@ (no time)" "--extra" -- "${G[@]}" "${RX[@]}" --extra 300mg@
usage_err "extra 5000mg@20h above the ceiling" "--extra" "5000" -- "${G[@]}" "${RX[@]}" --extra 5000mg@20h
usage_err "extra 300mg@-1h" "--extra" "-1" -- "${G[@]}" "${RX[@]}" --extra 300mg@-1h
usage_err "start-steady with a single dose" "--start-steady" \
    -- "${G[@]}" --dose 300mg --doses 1 --start-steady

# ---- outputs ----
usage_err "csv into a nonexistent directory" "--csv" "/nonexistent-dir/x.csv" \
    -- "${G[@]}" "${RX[@]}" --csv /nonexistent-dir/x.csv
usage_err "plot into a nonexistent directory" "--plot" "/nonexistent-dir/x.svg" \
    -- "${G[@]}" "${RX[@]}" --plot /nonexistent-dir/x.svg
usage_err "plot out.pdf (wrong extension)" "--plot" "out.pdf" -- "${G[@]}" "${RX[@]}" --plot out.pdf
usage_err "plot without an extension" "--plot" "plot" -- "${G[@]}" "${RX[@]}" --plot plot
usage_err "csv path is a directory" "--csv" -- "${G[@]}" "${RX[@]}" --csv sub/
new_case_dir
expect_fail 2 "csv written, then plot path fails: no csv or temp file left" "--plot" "/nonexistent-dir/x.svg" \
    -- "${G[@]}" "${RX[@]}" --csv "$CASE_DIR/x.csv" --plot /nonexistent-dir/x.svg
new_case_dir
expect_fail 2 "csv and plot requested, bad dose: nothing written" "--dose" \
    -- "${G[@]}" --dose 0mg --every 8h --days 7 --csv "$CASE_DIR/x.csv" --plot "$CASE_DIR/x.svg"
new_case_dir
expect_fail 2 "csv and plot requested, bad --out-every: nothing written" "--out-every" \
    -- "${G[@]}" "${RX[@]}" --out-every 0h --csv x.csv --plot x.png
mkdir "$TMP/isdir.csv" "$TMP/isdir.svg"
usage_err "csv path is an existing directory" "--csv" "isdir.csv" \
    -- "${G[@]}" "${RX[@]}" --csv "$TMP/isdir.csv"
usage_err "plot path is an existing directory" "--plot" "isdir.svg" \
    -- "${G[@]}" "${RX[@]}" --plot "$TMP/isdir.svg"
new_case_dir
expect_fail 2 "plot path is an existing directory: csv not written either" "--plot" "isdir.svg" \
    -- "${G[@]}" "${RX[@]}" --csv "$CASE_DIR/x.csv" --plot "$TMP/isdir.svg"
usage_err "--out-every 0h" "--out-every" "0" -- "${G[@]}" "${RX[@]}" --out-every 0h
usage_err "--out-every -1h" "--out-every" "-1" -- "${G[@]}" "${RX[@]}" --out-every -1h
usage_err "--out-every longer than the profile" "--out-every" "500" -- "${G[@]}" "${RX[@]}" --out-every 500h
usage_err "too many output points" "--out-every" "points" \
    -- "${G[@]}" --dose 300mg --every 8h --days 365 --out-every 0.0001h
usage_err "--until 0h" "--until" "0 h" -- "${G[@]}" "${RX[@]}" --until 0h
usage_err "--until 10000h (beyond 365 days)" "--until" "10000" -- "${G[@]}" "${RX[@]}" --until 10000h

# ---- malformed drug files, given by path ----
DRUGS=$TMP/drugs
mkdir "$DRUGS"
# A minimal valid file; each broken file below changes one thing in it.
valid_drug() {
    cat <<'EOF'
{
  "schema": "gabasim-drug/1",
  "name": "testdrug",
  "title": "Test drug",
  "model": {
    "structure": "oral_1cmt_linear",
    "parameters": {
      "ka": {"value": 2.0, "unit": "1/h", "source": "test"},
      "V": {"value": 50, "unit": "L", "source": "test"},
      "CL": {"value": 5.0, "unit": "L/h", "source": "test"}
    }
  },
  "limits": {"max_dose": {"value": 1000, "unit": "mg", "source": "test"}}
}
EOF
}
valid_drug >"$DRUGS/valid.json"
valid_drug | head -c 150 >"$DRUGS/truncated.json"
valid_drug | sed 's/"value": 50, "unit": "L"/"value": 50, "unit": "mL"/' >"$DRUGS/wrong_unit.json"
valid_drug | sed 's/"value": 5.0, "unit": "L\/h", "source": "test"/"value": 5.0, "unit": "L\/h"/' \
    >"$DRUGS/no_source.json"
valid_drug | sed 's/oral_1cmt_linear/oral_3cmt_magic/' >"$DRUGS/bad_structure.json"
echo '[1, 2, 3]' >"$DRUGS/array.json"
valid_drug | sed 's/"value": 2.0, "unit": "1\/h"/"value": -2.0, "unit": "1\/h"/' >"$DRUGS/negative.json"
valid_drug | sed 's/"value": 1000, "unit": "mg"/"value": 1000, "unit": "g"/' >"$DRUGS/limit_unit.json"
valid_drug | sed '/"V":/d' >"$DRUGS/missing_v.json"
valid_drug | sed 's/gabasim-drug\/1/gabasim-drug\/9/' >"$DRUGS/schema.json"
printf '' >"$DRUGS/empty.json"

D=(--dose 100mg --every 8h --days 2)
# Sanity: the unbroken file is accepted, so the failures below are about the one change.
(cd "$TMP" && timeout "$TIMEOUT" "$GABASIM" simulate --drug "$DRUGS/valid.json" "${D[@]}") \
    >"$TMP/valid.out" 2>"$TMP/valid.err"
rc=$?
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/valid.err" ]; then
    ok "control: the valid test drug file loads (exit 0)"
else
    not_ok "control: the valid test drug file loads (exit 0)" "exit $rc, stderr '$(show "$TMP/valid.err")'"
fi

usage_err "drug file: truncated JSON" "$DRUGS/truncated.json" "malformed JSON" \
    -- simulate --drug "$DRUGS/truncated.json" "${D[@]}"
usage_err "drug file: parameter with the wrong unit" "$DRUGS/wrong_unit.json" "model.parameters.V" "mL" \
    -- simulate --drug "$DRUGS/wrong_unit.json" "${D[@]}"
usage_err "drug file: parameter without a source" "$DRUGS/no_source.json" "model.parameters.CL.source" \
    -- simulate --drug "$DRUGS/no_source.json" "${D[@]}"
usage_err "drug file: unknown structure" "$DRUGS/bad_structure.json" "model.structure" "oral_3cmt_magic" \
    -- simulate --drug "$DRUGS/bad_structure.json" "${D[@]}"
usage_err "drug file: top level is not an object" "$DRUGS/array.json" "top level" \
    -- simulate --drug "$DRUGS/array.json" "${D[@]}"
usage_err "drug file: negative parameter value" "$DRUGS/negative.json" "model.parameters.ka" "-2" \
    -- simulate --drug "$DRUGS/negative.json" "${D[@]}"
usage_err "drug file: dose ceiling in the wrong unit" "$DRUGS/limit_unit.json" "limits.max_dose" \
    -- simulate --drug "$DRUGS/limit_unit.json" "${D[@]}"
usage_err "drug file: required parameter missing" "$DRUGS/missing_v.json" "model.parameters.V" \
    -- simulate --drug "$DRUGS/missing_v.json" "${D[@]}"
usage_err "drug file: unknown schema" "$DRUGS/schema.json" "schema" \
    -- simulate --drug "$DRUGS/schema.json" "${D[@]}"
usage_err "drug file: empty file" "$DRUGS/empty.json" \
    -- simulate --drug "$DRUGS/empty.json" "${D[@]}"
usage_err "drugs FILE: parameter with the wrong unit" "$DRUGS/wrong_unit.json" "model.parameters.V" \
    -- drugs "$DRUGS/wrong_unit.json"

usage_err "drug file that does not exist (a path the user typed)" "$TMP/no-such-drug.json" "--drug" \
    -- simulate --drug "$TMP/no-such-drug.json" "${D[@]}"
usage_err "dose below the 0.01 mg minimum" "--dose" "0.001 mg" \
    -- simulate --drug gabapentin --dose 0.001mg --every 8h --days 1

# ---- requests the drug or model does not support: usage errors naming the option (issue 17
# item 9; exit 1 before) ----
usage_err "dialysis with a drug file giving no anuric clearance" "--dialysis" "model.anuric.CL" \
    -- simulate --drug "$DRUGS/valid.json" "${D[@]}" --dialysis
usage_err "--solver exact with gabapentin's nonlinear model" "--solver exact" "nonlinear" \
    -- simulate --drug gabapentin --solver exact "${D[@]}"
usage_err "advise for a drug without dosing rules" "duloxetine" "no dosing rules" \
    -- advise --drug duloxetine --crcl 60
# an option is not taken as another option's value ('--csv --json' wrote a file named --json)
usage_err "an option where a value belongs" "'--csv' needs a value" "'--json'" \
    -- simulate --drug gabapentin "${D[@]}" --csv --json
# a newline in an argument is escaped: the error stays one line
usage_err "a newline in a value stays on one line" "'--dose'" \
    -- simulate --drug gabapentin --dose "$(printf '300mg\nx')" --every 8h --days 1

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
