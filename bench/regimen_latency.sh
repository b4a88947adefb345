#!/usr/bin/env bash
# regimen_latency.sh - how long the Regimen explorer of `gabasim serve` takes to redraw the
# population band after an edit, in the system Chromium (issue 13: under 200 ms for a typical
# request). This is a measurement, not a test: it prints the median, p90 and max and the ratio of
# the median to the target, with the machine's load. Needs chromium, node and npm (make test
# installs them); the npm packages of tests/browser are installed into bench/out/browser.
#   usage: bench/regimen_latency.sh [PATH_TO_GABASIM] [ROUNDS] [WIDTH_PX]
set -eu
HERE=$(dirname "$(realpath "$0")")
GS=$(realpath "${1:-build/gabasim}")
ROUNDS=${2:-4}
WIDTH=${3:-1280}
CHROMIUM=${GS_CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || { echo "regimen_latency: needs chromium (Debian package chromium)" >&2; exit 2; }
WORK="$HERE/out/browser"
bash "$HERE/../tests/browser/page.sh" --install "$WORK"
cp "$HERE/regimen_latency.mjs" "$WORK/"
exec node "$WORK/regimen_latency.mjs" "$GS" "$CHROMIUM" "$ROUNDS" "$WIDTH"
