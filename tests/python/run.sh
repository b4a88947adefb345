#!/usr/bin/env bash
# run.sh - installs the build into a temporary prefix, builds and installs the Python package
# (bindings/python) into a temporary venv against that library (pip, no network: Debian's
# setuptools, cffi and numpy through --system-site-packages), and runs the pytest suite beside
# this script with the installed command line as the reference. Nothing is written outside the
# temporary directory. Exit 77 (skipped) without Debian's python3-cffi, python3-numpy and
# python3-pytest (`make test` installs them).
# Also 77 in the sanitizer build (SANITIZE on): an ASan-instrumented libgabasim does not load
# into an uninstrumented python3 (docs/python.md shows how the extension was checked under ASan).
# usage: bash run.sh BUILD_DIR SOURCE_DIR [SANITIZE]
set -u
BUILD=$(realpath "${1:?usage: run.sh BUILD_DIR SOURCE_DIR}")
SRC=$(realpath "${2:?source dir}")
case "${3:-OFF}" in
ON | on | 1 | TRUE | true | YES | yes)
  echo "skipped: the sanitizer build's library cannot be loaded into an uninstrumented python3"
  exit 77
  ;;
esac
# Debian's interpreter, which Debian's packages extend (a python3 earlier on PATH may not see them)
PY=${GS_PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
if ! "$PY" -c 'import cffi, numpy, pytest, venv' 2> /dev/null; then
  echo "skipped: $PY lacks cffi, numpy, pytest or venv (Debian: python3-cffi python3-numpy python3-pytest python3-venv)"
  exit 77
fi
unset GABASIM_DATA GABASIM_DATA_DIR LD_LIBRARY_PATH PKG_CONFIG_PATH PYTHONPATH
TMP=$(mktemp -d "${TMPDIR:-/tmp}/gabasim-python.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export PYTHONDONTWRITEBYTECODE=1

if ! cmake --install "$BUILD" --prefix "$TMP/prefix" > "$TMP/install.log" 2>&1; then
  echo "FAIL: cmake --install: $(tail -5 "$TMP/install.log")"
  exit 1
fi
PC=$(find "$TMP/prefix" -name gabasim.pc -path '*/pkgconfig/*' | head -1)
cp -r "$SRC/bindings/python" "$TMP/pkg" # pip builds in the tree it is given: not the source tree
rm -rf "$TMP/pkg/build" "$TMP/pkg"/*.egg-info
if ! "$PY" -m venv --system-site-packages "$TMP/venv" > "$TMP/venv.log" 2>&1; then
  echo "FAIL: python3 -m venv: $(tail -5 "$TMP/venv.log")"
  exit 1
fi
if ! PKG_CONFIG_PATH=$(dirname "$PC") GABASIM_SOURCE_DIR=$SRC \
  "$TMP/venv/bin/pip" install --no-build-isolation --no-index --no-deps --no-cache-dir "$TMP/pkg" \
  > "$TMP/pip.log" 2>&1; then
  echo "FAIL: pip install bindings/python:"
  tail -30 "$TMP/pip.log"
  exit 1
fi
echo "ok: pip install --no-build-isolation bindings/python (against $(dirname "$PC"))"
cd "$TMP" || exit 1 # so `import gabasim` is the installed package, not bindings/python
GABASIM_CLI=$TMP/prefix/bin/gabasim GABASIM_PREFIX=$TMP/prefix GABASIM_SRC=$SRC \
  "$TMP/venv/bin/python" -m pytest -q -p no:cacheprovider --rootdir="$TMP" "$SRC/tests/python"
