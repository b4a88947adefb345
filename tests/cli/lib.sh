# lib.sh - shared by the command-line test scripts (sourced after GS is set): a scratch
# directory, TAP-like "ok"/"not ok" lines with counts, and the usage-error check.
TMP=$(mktemp -d)
. "$(dirname "${BASH_SOURCE[0]}")/nan_scan.sh"
trap 'scan_nan; rm -rf "$TMP"' EXIT
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
bad() { FAILED=$((FAILED + 1)); echo "not ok - $1: $2"; }
expect_in() { # description, needle, file
  grep -qF -- "$2" "$3" && ok "$1" || bad "$1" "'$2' not in: $(head -c 400 "$3")"
}

# A usage error: exit 2, exactly one "gabasim: error: " line containing `want`, empty stdout, and
# no file left behind in the (empty) directory it ran in.
usage_err() { # description, expected substring, args...
  local desc=$1 want=$2
  shift 2
  local d="$TMP/case"
  rm -rf "$d" && mkdir -p "$d"
  (cd "$d" && "$GS" "$@" > out.txt 2> err.txt)
  local rc=$?
  local lines
  lines=$(wc -l < "$d/err.txt")
  if [ $rc != 2 ]; then bad "$desc" "exit $rc, stderr '$(cat "$d/err.txt")'"
  elif [ "$lines" != 1 ] || ! grep -q '^gabasim: error: ' "$d/err.txt"; then bad "$desc" "stderr '$(cat "$d/err.txt")'"
  elif ! grep -qF -- "$want" "$d/err.txt"; then bad "$desc" "'$(cat "$d/err.txt")' lacks '$want'"
  elif [ -s "$d/out.txt" ]; then bad "$desc" "stdout not empty"
  elif [ "$(ls -A "$d" | grep -v -e '^out.txt$' -e '^err.txt$')" != "" ]; then bad "$desc" "left files: $(ls -A "$d")"
  else ok "$desc"; fi
}

# schema_valid SCHEMA FILE [PYTHON]: exit 0 when FILE, after the python statement PYTHON has edited
# the parsed document `d`, validates against the JSON Schema SCHEMA (itself checked as a 2020-12
# schema); the first error goes to stderr. Needs python3-jsonschema.
schema_valid() {
  python3 - "$1" "$2" "${3:-pass}" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
d = json.load(open(sys.argv[2]))
exec(sys.argv[3])
errs = list(jsonschema.Draft202012Validator(schema).iter_errors(d))
for e in errs[:1]:
    print("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message[:300]), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

finish() {
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
