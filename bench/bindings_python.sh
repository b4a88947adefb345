#!/usr/bin/env bash
# bench/bindings_python.sh - what the Python binding adds to a 10^5-subject population: the same
# population (pregabalin 150 mg every 12 h for 14 days, seed 1, --threshold 2mg/L) through the
# command line (`gabasim population ... --json`, a process per run, its output discarded) and
# through `gabasim.population(...)` (in one Python process: the call, the JSON document parsed
# into a dict, the per-time arrays wrapped) and through a fresh python3 process per run (import
# included), interleaved, in the same run; prints the median times and their ratios (the
# target: the binding adds under 5 %), the binding's own work per call (time outside the C call)
# and the one-time cost of importing gabasim, numpy and pandas in a fresh process.
#
#   bash bench/bindings_python.sh [BUILD_DIR]      (default build; `make build` first)
#
# Environment: BENCH_REPS (default 5 of each), BENCH_N (default 100000), BENCH_THREADS (default:
# all cores; 1 gives steadier CPU times on a busy machine), GS_PYTHON (default
# Debian's /usr/bin/python3, which needs python3-cffi and python3-numpy). The build is installed
# into a temporary prefix and the package into a temporary venv (as tests/python/run.sh does).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$(realpath "${1:-$ROOT/build}")
PY=${GS_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
unset GABASIM_DATA GABASIM_DATA_DIR LD_LIBRARY_PATH PKG_CONFIG_PATH PYTHONPATH
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gabasim-bench-py.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cmake --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1 \
  || { echo "cmake --install failed: $(tail -3 "$TMP/install.log")"; exit 1; }
PC=$(find "$TMP/prefix" -name gabasim.pc -path '*/pkgconfig/*' | head -1)
cp -r "$ROOT/bindings/python" "$TMP/pkg"
rm -rf "$TMP/pkg/build" "$TMP/pkg"/*.egg-info
"$PY" -m venv --system-site-packages "$TMP/venv" > "$TMP/venv.log" 2>&1 \
  || { echo "venv failed: $(tail -3 "$TMP/venv.log")"; exit 1; }
PKG_CONFIG_PATH=$(dirname "$PC") GABASIM_SOURCE_DIR=$ROOT \
  "$TMP/venv/bin/pip" install --no-build-isolation --no-index --no-deps --no-cache-dir "$TMP/pkg" \
  > "$TMP/pip.log" 2>&1 || { echo "pip install failed:"; tail -20 "$TMP/pip.log"; exit 1; }
cd "$TMP" && "$TMP/venv/bin/python" "$ROOT/bench/bindings_python.py" "$TMP/prefix/bin/gabasim"
