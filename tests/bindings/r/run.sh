#!/usr/bin/env bash
# run.sh - the R package (bindings/R) against the library as installed from this build: installs
# the build into a temporary prefix, R CMD build and R CMD check --no-manual the package with
# PKG_CONFIG_PATH pointing there (its testthat tests, examples and vignette run; with GABASIM_CLI
# set, tests/testthat/test-cli.R compares the README's examples through the command line and R
# to the last printed digit), fails on any WARNING or ERROR, then runs the README's R example as
# written. Also checks that the example files the package ships (inst/extdata) are the
# repository's examples/.
# usage: bash run.sh BUILD_DIR SOURCE_DIR [sanitize]
#   sanitize: the library is built with ASan/UBSan, which R cannot load without preloading the
#   runtime: skipped (77)
set -u
BUILD=$(realpath "${1:?usage: run.sh BUILD_DIR SOURCE_DIR [sanitize]}")
SRC=$(realpath "${2:?source dir}")
if [ "${3:-}" = sanitize ]; then
  echo "skipped: the R package is not tested against a sanitizer build"
  exit 77
fi
if ! command -v R > /dev/null; then
  echo "skipped: R is not installed (make test installs r-base-core)"
  exit 77
fi
# copies of sources and installed files are not outputs (tests/cli/nan_scan.sh)
NAN_SCAN_PRUNE="prefix pkg/gabasim pkg/gabasim.Rcheck/00_pkg_src pkg/gabasim.Rcheck/gabasim"
. "$SRC/tests/cli/lib.sh"
unset GABASIM_DATA GABASIM_DATA_DIR LD_LIBRARY_PATH PKG_CONFIG_PATH R_LIBS R_LIBS_USER
PKG=$SRC/bindings/R

missing=$(Rscript -e 'cat(Filter(function(p) !requireNamespace(p, quietly = TRUE),
  c("jsonlite", "testthat", "knitr", "markdown")))' 2> /dev/null)
if [ -n "$missing" ]; then
  bad "R packages" "missing: $missing (make deps-test installs r-cran-testthat r-cran-knitr r-cran-markdown)"
  finish
  exit 1
fi

for f in "$PKG"/inst/extdata/*; do
  cmp -s "$f" "$SRC/examples/$(basename "$f")" && ok "inst/extdata/$(basename "$f") is examples/'s" \
    || bad "inst/extdata/$(basename "$f")" "differs from examples/$(basename "$f")"
done

P=$TMP/prefix
if ! cmake --install "$BUILD" --prefix "$P" > "$TMP/install.log" 2>&1; then
  bad "cmake --install" "$(tail -5 "$TMP/install.log")"
  finish
  exit 1
fi
PC=$(find "$P" -name gabasim.pc -path '*/pkgconfig/*' | head -1)
export PKG_CONFIG_PATH=$(dirname "$PC")
export GABASIM_CLI=$P/bin/gabasim GABASIM_SRC=$SRC
export R_LIBS_USER=$TMP/rlib # nothing goes to the user's library
mkdir -p "$R_LIBS_USER"
# no repository is reached: R CMD check looks for CRAN's index otherwise
echo 'options(repos = character())' > "$TMP/Rprofile"
export R_PROFILE_USER=$TMP/Rprofile

# a copy without the artefacts an in-place R CMD INSTALL leaves
mkdir -p "$TMP/pkg"
cp -r "$PKG" "$TMP/pkg/gabasim"
rm -f "$TMP"/pkg/gabasim/src/*.o "$TMP"/pkg/gabasim/src/*.so "$TMP/pkg/gabasim/src/Makevars"
cd "$TMP/pkg" || exit 1
if R CMD build gabasim > build.log 2>&1; then
  ok "R CMD build"
else
  bad "R CMD build" "$(tail -20 build.log)"
  finish
  exit 1
fi
tarball=$(ls gabasim_*.tar.gz)
# the vignette's code runs; its output, built by R CMD build above, is not built a second time
R CMD check --no-manual --no-build-vignettes "$tarball" > check.log 2>&1
status=$(grep '^Status:' check.log)
case "$status" in
"Status: OK" | "Status: "*NOTE*)
  if grep -q -e WARNING -e ERROR <<< "$status"; then
    bad "R CMD check" "$status"
  else
    ok "R CMD check --no-manual: $status"
  fi
  ;;
*) bad "R CMD check" "${status:-no status}" ;;
esac
if [ "$status" != "Status: OK" ]; then
  grep -B2 -A12 -e '\.\.\. NOTE' -e '\.\.\. WARNING' -e '\.\.\. ERROR' check.log
  cat gabasim.Rcheck/tests/testthat.Rout.fail 2> /dev/null | tail -40
fi
grep -q "Running .testthat.R" check.log && ok "testthat tests ran" || bad "tests" "not run"
grep -q "running R code from vignettes" check.log && ok "vignette code ran" \
  || bad "vignette" "its code did not run"
grep -q "^\[ FAIL 0 | WARN 0 | SKIP 0 | PASS" gabasim.Rcheck/tests/testthat.Rout 2> /dev/null \
  && ok "testthat: $(grep -o 'PASS [0-9]*' gabasim.Rcheck/tests/testthat.Rout), none skipped" \
  || bad "testthat" "$(grep '^\[ FAIL' gabasim.Rcheck/tests/testthat.Rout 2>&1)"

# Ctrl-C stops a long population between subjects with an R error (the library frees its memory)
cat > interrupt.R <<'RS'
suppressPackageStartupMessages(library(gabasim))
file.create("started")
r <- tryCatch(population(drug = "pregabalin", n = 2000000, dose = "150mg", every = "12h",
                         days = 14),
              error = function(e) conditionMessage(e))
cat(if (is.character(r)) r else "finished", "\n")
RS
R_LIBS=$TMP/pkg/gabasim.Rcheck Rscript interrupt.R > interrupt.out 2>&1 &
rpid=$!
for _ in $(seq 1 100); do [ -e started ] && break; sleep 0.2; done
sleep 1
kill -INT "$rpid" 2> /dev/null
for _ in $(seq 1 50); do kill -0 "$rpid" 2> /dev/null || break; sleep 0.2; done
if kill -0 "$rpid" 2> /dev/null; then
  kill "$rpid"
  bad "Ctrl-C" "population() still running 10 s after SIGINT"
else
  wait "$rpid"
  grep -q "^interrupted after [0-9]* subjects" interrupt.out && ok "Ctrl-C stops population() with an R error" \
    || bad "Ctrl-C" "$(tail -3 interrupt.out)"
fi

# the README's R example, as written, with the package R CMD check installed
awk '/<!-- r-example -->/{on=1; next} /<!-- \/r-example -->/{on=0} on' "$SRC/README.md" \
  | sed -n 's/^    //p' > readme.R
n=$(wc -l < readme.R)
[ "$n" -ge 2 ] && [ "$n" -le 5 ] && ok "README's R example: $n lines" || bad "README's R example" "$n lines"
if R_LIBS=$TMP/pkg/gabasim.Rcheck Rscript readme.R > readme.out 2>&1; then
  ok "README's R example runs"
  # its printed trough is the command line's
  want=$("$GABASIM_CLI" simulate --drug gabapentin --dose 300mg --every 8h --days 7 --json \
    | sed -n 's/.*"ss_cmin_mg_L":[[:space:]]*\([0-9.e-]*\).*/\1/p')
  got=$(sed -n 's/^\[1\] //p' readme.out | head -1)
  Rscript -e "x <- $got; w <- $want; stopifnot(signif(w, 7) == x)" > /dev/null 2>&1 \
    && ok "README's R example prints the command's trough ($got)" \
    || bad "README's R example" "printed '$got', the command's trough is '$want'"
else
  bad "README's R example" "$(tail -5 readme.out)"
fi
finish
