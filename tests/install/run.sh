#!/usr/bin/env bash
# run.sh - installs the build into temporary prefixes and uses the result as an outsider would:
# every piece present (tool, shared library with soname, static library, headers, pkg-config
# file, data, man page), a C program built with `pkg-config --cflags --libs gabasim` and run
# with the data found beside the installed library (no GABASIM_DATA), the same statically linked,
# the installed tool run through its RPATH (also after moving the prefix), DESTDIR staging, the
# man page rendered without warnings, and no AVX instruction in the library outside the
# dispatched clones of the population kernels.
# usage: [CC=compiler] bash run.sh BUILD_DIR SOURCE_DIR ISA_MODE [EXTRA_CFLAGS]
#   ISA_MODE: clones (the default build: AVX only in the dispatched clones), baseline (no AVX at
#   all: a compiler without target_clones) or native (-DGS_NATIVE=ON: not checked)
set -u
BUILD=$(realpath "${1:?usage: run.sh BUILD_DIR SOURCE_DIR ISA_MODE [EXTRA_CFLAGS]}")
SRC=$(realpath "${2:?source dir}")
ISA_MODE=${3:-clones}
EXTRA_CFLAGS=${4:-}
# the installed and staged trees are copies of the project, not outputs (tests/cli/nan_scan.sh)
NAN_SCAN_PRUNE="prefix stage"
. "$SRC/tests/cli/lib.sh"
unset GABASIM_DATA GABASIM_DATA_DIR LD_LIBRARY_PATH PKG_CONFIG_PATH
HERE=$SRC/tests/install
CC=${CC:-cc} # the compiler of the build (CTest sets it): its OpenMP flag is in gabasim.pc

P=$TMP/prefix
if cmake --install "$BUILD" --prefix "$P" > "$TMP/install.log" 2>&1; then
  ok "cmake --install --prefix"
else
  bad "cmake --install" "$(tail -5 "$TMP/install.log")"
  finish
  exit 1
fi

# --- every piece is there -----------------------------------------------------------------
PC=$(find "$P" -name gabasim.pc -path '*/pkgconfig/*' | head -1)
[ -n "$PC" ] && ok "gabasim.pc installed" || bad "gabasim.pc" "not under $P"
LIBDIR=$(dirname "$(dirname "${PC:-$P/lib/pkgconfig/x}")")
major=$(sed -n 's/^#define GS_VERSION_MAJOR *\([0-9]*\).*/\1/p' "$P/include/gabasim/version.h" 2> /dev/null)
version=$(sed -n 's/^#define GS_VERSION_STRING *"\(.*\)".*/\1/p' "$P/include/gabasim/version.h" 2> /dev/null)
[ -n "$major" ] && [ -n "$version" ] && ok "include/gabasim/version.h installed ($version)" \
  || bad "version.h" "missing or without GS_VERSION_MAJOR/STRING"
for f in bin/gabasim share/man/man1/gabasim.1 include/gabasim/gabasim.h; do
  [ -s "$P/$f" ] && ok "$f installed" || bad "$f" "missing"
done
for f in libgabasim.a libgabasim.so "libgabasim.so.$major" "libgabasim.so.$version"; do
  [ -e "$LIBDIR/$f" ] && ok "lib/$f installed" || bad "lib/$f" "missing in $LIBDIR: $(ls "$LIBDIR" 2>&1)"
done
soname=$(readelf -d "$LIBDIR/libgabasim.so.$version" 2> /dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libgabasim.so.$major" ] && ok "soname $soname" || bad "soname" "'$soname'"
missing=""
for h in "$SRC"/include/gabasim/*.h; do
  cmp -s "$h" "$P/include/gabasim/$(basename "$h")" || missing="$missing $(basename "$h")"
done
[ -z "$missing" ] && ok "every public header installed" || bad "headers" "missing or different:$missing"
diff -r "$SRC/data" "$P/share/gabasim" > "$TMP/data.diff" 2>&1 \
  && ok "data files under share/gabasim" || bad "data" "$(head -5 "$TMP/data.diff")"

# --- pkg-config ------------------------------------------------------------------------------
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
flags=$(pkg-config --cflags --libs gabasim 2> "$TMP/pc.err")
case "$flags" in
*"-I$P/include"*"-L$LIBDIR"*"-lgabasim"*) ok "pkg-config --cflags --libs: $flags" ;;
*) bad "pkg-config --cflags --libs" "'$flags' $(cat "$TMP/pc.err")" ;;
esac
static_flags=$(pkg-config --static --libs gabasim 2> "$TMP/pc.err")
want_missing=""
for w in -lgabasim -lgsl -lcjson -lplplot -lsundials_cvode -lsundials_nvecserial \
  -lsundials_sunlinsoldense -lsundials_sunmatrixdense -fopenmp -lm; do
  case " $static_flags " in *" $w "* | *" $w="*) ;; *) want_missing="$want_missing $w" ;; esac
done
[ -z "$want_missing" ] && ok "pkg-config --static --libs lists the private dependencies" \
  || bad "pkg-config --static" "'$static_flags' lacks$want_missing $(cat "$TMP/pc.err")"
[ "$(pkg-config --modversion gabasim 2> /dev/null)" = "$version" ] && ok "pkg-config --modversion" \
  || bad "pkg-config --modversion" "'$(pkg-config --modversion gabasim 2>&1)' != '$version'"

# --- an outside program against the shared library ------------------------------------------
# shellcheck disable=SC2086 # word splitting of the flags is intended
if "$CC" -std=c11 -Wall -Wextra -Werror $EXTRA_CFLAGS -o "$TMP/outside" "$HERE/outside.c" $flags \
  > "$TMP/cc.log" 2>&1; then
  ok "outside.c builds with pkg-config --cflags --libs gabasim"
else
  bad "outside.c build" "$(head -20 "$TMP/cc.log")"
fi
# no RPATH in the outside program: the loader finds the library through LD_LIBRARY_PATH
LD_LIBRARY_PATH=$LIBDIR "$TMP/outside" > "$TMP/outside.out" 2> "$TMP/outside.err"
rc=$?
if [ $rc = 0 ] && grep -q "^gabasim $version (headers $version), data $P/share/gabasim$" "$TMP/outside.out"; then
  ok "outside program runs, data found beside the installed library"
else
  bad "outside program" "exit $rc: $(cat "$TMP/outside.out" "$TMP/outside.err")"
fi
# the libgabasim.so.MAJOR the loader resolves for a program, made absolute
resolved() { # program [env assignments...]
  local prog=$1
  shift
  env "$@" ldd "$prog" 2> /dev/null | sed -n "s/^[[:space:]]*libgabasim\.so\.$major => \([^ ]*\) .*/\1/p" \
    | xargs -r realpath
}
[ "$(resolved "$TMP/outside" LD_LIBRARY_PATH="$LIBDIR")" = "$(realpath "$LIBDIR/libgabasim.so.$major")" ] \
  && ok "outside program uses the installed libgabasim.so.$major" \
  || bad "ldd outside" "$(LD_LIBRARY_PATH=$LIBDIR ldd "$TMP/outside" 2>&1 | grep gabasim)"
cmax=$(sed -n 's/^Cmax \([0-9.e+-]*\) mg\/L.*/\1/p' "$TMP/outside.out")
[ -n "$cmax" ] || cmax=-1 # no peak printed: the comparison below fails

# --- the same statically linked (libgabasim.a + pkg-config --static) --------------------------
static_link=${static_flags/-lgabasim/$LIBDIR/libgabasim.a}
# shellcheck disable=SC2086
if "$CC" -std=c11 $EXTRA_CFLAGS -o "$TMP/outside-static" "$HERE/outside.c" \
  $(pkg-config --cflags gabasim) $static_link > "$TMP/cc.log" 2>&1; then
  ok "outside.c links with libgabasim.a and pkg-config --static --libs"
else
  bad "static link" "$(head -20 "$TMP/cc.log")"
fi
readelf -d "$TMP/outside-static" 2> /dev/null | grep -q 'libgabasim' \
  && bad "static link" "still needs libgabasim.so" || ok "static program needs no libgabasim.so"
# outside any prefix no data directory is found: the message names GABASIM_DATA
"$TMP/outside-static" > "$TMP/o.out" 2> "$TMP/o.err"
rc=$?
[ $rc = 1 ] && grep -q "GABASIM_DATA" "$TMP/o.err" && ok "no data directory: exit 1 naming GABASIM_DATA" \
  || bad "no data directory" "exit $rc: $(cat "$TMP/o.out" "$TMP/o.err")"
GABASIM_DATA=$SRC/data "$TMP/outside-static" > "$TMP/o.out" 2> "$TMP/o.err" \
  && grep -q "data $SRC/data$" "$TMP/o.out" && ok "GABASIM_DATA is used when set" \
  || bad "GABASIM_DATA" "$(cat "$TMP/o.out" "$TMP/o.err")"
# put in the prefix's bin/, it finds share/gabasim beside itself (/proc/self/exe)
cp "$TMP/outside-static" "$P/bin/outside-static"
"$P/bin/outside-static" > "$TMP/o.out" 2> "$TMP/o.err" && grep -q "data $P/share/gabasim$" "$TMP/o.out" \
  && ok "static program in bin/ finds share/gabasim" || bad "static in bin/" "$(cat "$TMP/o.out" "$TMP/o.err")"
rm -f "$P/bin/outside-static"

# --- the installed tool: RPATH, data, same numbers as the outside program ---------------------
GSI=$P/bin/gabasim
[ "$(resolved "$GSI")" = "$(realpath "$LIBDIR/libgabasim.so.$major")" ] \
  && readelf -d "$GSI" | grep -q 'R.*PATH.*\$ORIGIN' && ok "bin/gabasim finds lib/ by its \$ORIGIN RPATH" \
  || bad "bin/gabasim RPATH" "$(ldd "$GSI" 2>&1 | grep gabasim; readelf -d "$GSI" | grep PATH)"
(cd "$TMP" && "$GSI" simulate --drug gabapentin --dose 300mg --every 8h --doses 3 --until 24h \
  --csv "$TMP/p.csv" > "$TMP/sim.out" 2> "$TMP/sim.err")
rc=$?
[ $rc = 0 ] && grep -q "Cmax" "$TMP/sim.out" && ok "bin/gabasim simulate runs" \
  || bad "bin/gabasim simulate" "exit $rc: $(head -c 400 "$TMP/sim.err")"
"$GSI" drugs gabapentin 2> /dev/null | grep -q "^file: $P/share/gabasim/drugs/gabapentin.json$" \
  && ok "bin/gabasim reads the installed drug library" \
  || bad "bin/gabasim data" "$("$GSI" drugs gabapentin 2>&1 | grep -i file)"
# the tool's profile on the same 0.25 h grid has the outside program's peak
if awk -F, -v c="$cmax" 'NR > 1 && $2 > m { m = $2 }
    END { d = m - c; if (d < 0) d = -d; exit !(c > 0 && d <= 1e-5 * m) }' "$TMP/p.csv"; then
  ok "outside Cmax $cmax mg/L = the tool's profile peak"
else
  bad "Cmax" "outside '$cmax', tool's CSV peak $(awk -F, 'NR>1&&$2>m{m=$2}END{print m}' "$TMP/p.csv")"
fi
# a moved prefix still works ($ORIGIN RPATH, data found relative to the library)
mv "$P" "$TMP/moved"
"$TMP/moved/bin/gabasim" drugs gabapentin 2> "$TMP/mv.err" | grep -q "^file: $TMP/moved/share/gabasim/" \
  && ok "relocated prefix: tool and data still found" || bad "relocated prefix" "$(cat "$TMP/mv.err")"
mv "$TMP/moved" "$P"

# --- DESTDIR staging ------------------------------------------------------------------------
if DESTDIR=$TMP/stage cmake --install "$BUILD" --prefix /opt/gabasim-test > "$TMP/stage.log" 2>&1 \
  && [ -x "$TMP/stage/opt/gabasim-test/bin/gabasim" ] \
  && grep -qx "prefix=/opt/gabasim-test" "$(find "$TMP/stage" -name gabasim.pc)"; then
  ok "DESTDIR: files staged, gabasim.pc names the final prefix"
else
  bad "DESTDIR" "$(tail -3 "$TMP/stage.log"; find "$TMP/stage" -name gabasim.pc -exec cat {} \;)"
fi

# --- the man page renders without warnings ------------------------------------------------------
MAN=$P/share/man/man1/gabasim.1
if command -v man > /dev/null; then
  LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN" > "$TMP/man.txt" 2> "$TMP/man.err"
  rc=$?
elif command -v groff > /dev/null; then
  groff -man -Tutf8 -ww "$MAN" > "$TMP/man.txt" 2> "$TMP/man.err"
  rc=$?
else
  rc=skip
fi
if [ "$rc" = skip ]; then
  echo "ok - man page rendering # SKIP neither man nor groff installed"
elif [ "$rc" = 0 ] && [ ! -s "$TMP/man.err" ] && grep -q "EXIT STATUS" "$TMP/man.txt" \
  && grep -q "GABASIM_DATA" "$TMP/man.txt"; then
  ok "man page renders without warnings"
else
  bad "man page" "exit $rc: $(head -5 "$TMP/man.err")"
fi
# every command of `gabasim help` has its section in the man page
for c in $("$GSI" help 2> /dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'); do
  grep -q "^\.SS $c\$" "$MAN" && ok "man page documents '$c'" || bad "man page" "no section for '$c'"
done

# --- the library runs on any x86-64: AVX only inside the dispatched clones ---------------------
if [ "$ISA_MODE" = native ] || [ "$(uname -m)" != x86_64 ]; then
  echo "ok - AVX check # SKIP ($ISA_MODE build, $(uname -m))"
elif command -v objdump > /dev/null; then
  objdump -d --no-show-raw-insn "$LIBDIR/libgabasim.so.$version" | awk '
    /^[0-9a-f]+ <.*>:$/ { fn = $2; clone = fn ~ /\.arch_x86_64_v[34]>:$/; next }
    /^ *[0-9a-f]+:\t/ { split($0, a, "\t"); split(a[2], w, " ")
      if (!clone && (w[1] ~ /^v/ || a[2] ~ /%[yz]mm|%xmm(1[6-9]|2[0-9]|3[01])/)) n[fn]++ }
    END { for (f in n) printf "%s %d\n", f, n[f] }' > "$TMP/avx.txt"
  clones=$(objdump -d --no-show-raw-insn "$LIBDIR/libgabasim.so.$version" | grep -c '\.arch_x86_64_v4>:$')
  if [ -s "$TMP/avx.txt" ]; then
    bad "AVX outside the clones" "$(head -5 "$TMP/avx.txt")"
  elif [ "$ISA_MODE" = clones ] && [ "$clones" -lt 4 ]; then
    bad "dispatched clones" "only $clones AVX-512 clones in the library"
  elif [ "$ISA_MODE" = baseline ]; then
    ok "no AVX instruction in the library (baseline build)"
  else
    ok "no AVX instruction outside the $clones dispatched AVX-512 clones (and their AVX2 twins)"
  fi
else
  bad "AVX check" "objdump not installed"
fi

finish
