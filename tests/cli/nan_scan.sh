# nan_scan.sh - sourced by the command-line test scripts (lib.sh sources it).
#
# No output of the test suite contains nan or inf (issue 17 item 7): when a script ends, every
# file left in its scratch directory $TMP - gabasim's outputs: text, CSV, JSON, SVG, HTML, error
# messages - is searched for a nan or inf token (what printf prints for a non-finite number).
# A token in single quotes is not counted: that is how an error message quotes the bad input it
# refuses ("'--days' is 'nan'; expected a number ..."), never how a result is printed.
# Binary files (a NUL byte: a PNG plot, a test program the script built) are not searched (grep -I):
# their bytes spell "nan" by chance.
# A script that copies sources or installs files into $TMP (whose comments and code may say NaN)
# names those subdirectories in NAN_SCAN_PRUNE (relative to $TMP, separated by spaces): they are
# not outputs and are not searched.
# Call it from the script's EXIT trap, before $TMP is removed: it keeps the script's exit status,
# or makes it 1 with a "not ok" line naming each file and its first such line.
scan_nan() {
  local rc=$? f h hits="" d prune=()
  for d in ${NAN_SCAN_PRUNE:-}; do
    prune+=(-path "$TMP/$d" -prune -o)
  done
  while IFS= read -r -d '' f; do
    h=$(LC_ALL=C grep -m1 -nIiE "(^|[^a-z_'])[-+]?(nan|inf)([^a-z_']|\$)" -- "$f" | cut -c1-160)
    [ -n "$h" ] && hits="$hits ${f#"$TMP"/}:$h;"
  done < <(find "$TMP" "${prune[@]}" -type f -print0 2> /dev/null)
  if [ -n "$hits" ]; then
    echo "not ok - no nan or inf in any output: $hits"
    exit 1
  fi
  exit $rc
}

