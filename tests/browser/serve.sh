#!/usr/bin/env bash
# serve.sh - the browser test of `gabasim serve` (serve.mjs) as CTest runs it: the npm packages of
# package-lock.json (puppeteer-core, axe-core) installed into WORKDIR by page.sh, then serve.mjs.
#   usage: serve.sh PATH_TO_GABASIM WORKDIR
# GS_SCREENSHOTS=DIR also writes the pages' PNGs there (make screenshots). Exit 77 (skipped)
# without chromium, node or npm, or with a gabasim built without serve.
set -eu
SRC=$(dirname "$(realpath "$0")")
GS=$(realpath "${1:?usage: serve.sh PATH_TO_GABASIM WORKDIR}")
WORK=${2:?usage: serve.sh PATH_TO_GABASIM WORKDIR}
CHROMIUM=${GS_CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ] || ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "skipped: needs chromium, node and npm (Debian packages chromium nodejs npm; make test installs them)"
  exit 77
fi
if "$GS" serve --port 99999 2>&1 | grep -q "built without"; then
  echo "skipped: this gabasim was built without serve (libmicrohttpd-dev, libsqlite3-dev)"
  exit 77
fi
bash "$SRC/page.sh" --install "$WORK"
cp "$SRC/serve.mjs" "$WORK/"
export GS_EXAMPLES="$SRC/../../examples"
exec node "$WORK/serve.mjs" "$GS" "$CHROMIUM"
