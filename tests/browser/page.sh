#!/usr/bin/env bash
# page.sh - the browser test of the patient's page (page.mjs) as CTest runs it: puppeteer-core,
# pinned by package-lock.json, is installed with `npm ci` into WORKDIR (in the build tree; no
# browser is downloaded: the Debian package chromium is driven), then page.mjs runs there.
#   usage: page.sh PATH_TO_GABASIM WORKDIR      install if needed, then test
#          page.sh --install WORKDIR            install only (make test does this first)
# Exit 77 (CTest: skipped) when chromium, node or npm is missing; `make test` installs them.
set -eu
SRC=$(dirname "$(realpath "$0")")

install() { # WORKDIR: npm ci when the lock file changed since the last install
  local work=$1
  mkdir -p "$work"
  cp "$SRC/package.json" "$SRC/package-lock.json" "$SRC/page.mjs" "$work/"
  if ! cmp -s "$SRC/package-lock.json" "$work/node_modules/.gabasim-lock" 2> /dev/null; then
    (cd "$work" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    cp "$SRC/package-lock.json" "$work/node_modules/.gabasim-lock"
  fi
}

CHROMIUM=${GS_CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ] || ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "skipped: needs chromium, node and npm (Debian packages chromium nodejs npm; make test installs them)"
  exit 77
fi
if [ "${1:-}" = "--install" ]; then
  install "${2:?usage: page.sh --install WORKDIR}"
  exit 0
fi
GS=$(realpath "${1:?usage: page.sh PATH_TO_GABASIM WORKDIR}")
WORK=${2:?usage: page.sh PATH_TO_GABASIM WORKDIR}
install "$WORK"
exec node "$WORK/page.mjs" "$GS" "$CHROMIUM"
