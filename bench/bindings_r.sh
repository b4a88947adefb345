#!/usr/bin/env bash
# bench/bindings_r.sh - the R package's overhead: a 10^5-subject population (the README's
# pregabalin example) through R's population() and through the command line, alternating in the
# same run, against the same installed library.
#
#   bash bench/bindings_r.sh            after `make build` (or cmake --build build)
#
# Environment: BUILD=DIR (default build), BENCH_N (default 100000), BENCH_REPS (default 5),
# BENCH_OUT=DIR (default bench/out/bindings_r: the install prefix, R library and logs).
#
# Installs the build into $BENCH_OUT/prefix and the package into $BENCH_OUT/rlib, then per
# repetition times `gabasim population ... --quiet` (the process, wall clock) and, in one R
# session started beforehand, population() with the same arguments (the call, wall clock: it
# includes the conversion of the arguments, the JSON and text reports and the data frame).
# Both print the library's own simulation time ("simulated in X s"), so the report gives the
# ratio of the medians and, less sensitive to other load on the machine, each front end's time
# outside the simulation. Exit status 1 when a run fails or the two disagree on the percentiles.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
N=${BENCH_N:-100000}
REPS=${BENCH_REPS:-5}
OUT=${BENCH_OUT:-$ROOT/bench/out/bindings_r}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

rm -rf "$OUT/prefix" "$OUT/rlib"
cmake --install "$BUILD" --prefix "$OUT/prefix" > "$OUT/install.log" 2>&1 \
  || { echo "cmake --install failed: $OUT/install.log" >&2; exit 1; }
PC=$(find "$OUT/prefix" -name gabasim.pc -path '*/pkgconfig/*' | head -1)
export PKG_CONFIG_PATH=$(dirname "$PC")
mkdir -p "$OUT/rlib"
rm -rf "$OUT/pkg" && cp -r "$ROOT/bindings/R" "$OUT/pkg"
rm -f "$OUT"/pkg/src/*.o "$OUT"/pkg/src/*.so "$OUT/pkg/src/Makevars"
R CMD INSTALL --no-docs --no-multiarch -l "$OUT/rlib" "$OUT/pkg" > "$OUT/rinstall.log" 2>&1 \
  || { echo "R CMD INSTALL failed: $OUT/rinstall.log" >&2; exit 1; }
GS=$OUT/prefix/bin/gabasim
ARGS=(--drug pregabalin --n "$N" --seed 1 --dose 150mg --every 12h --days 14 --threshold 2mg/L)

# The R side: a session that waits for "go" on a FIFO, runs one call per line and answers with
# "wall simulated" on another, so R's start-up and package load are outside the timings.
rm -f "$OUT/to_r" "$OUT/from_r"
mkfifo "$OUT/to_r" "$OUT/from_r"
export TO_R=$OUT/to_r FROM_R=$OUT/from_r BENCH_N=$N OUT
R_LIBS=$OUT/rlib Rscript -e '
suppressPackageStartupMessages(library(gabasim))
inp <- file(Sys.getenv("TO_R"), "r"); out <- file(Sys.getenv("FROM_R"), "w")
n <- as.numeric(Sys.getenv("BENCH_N"))
while (length(l <- readLines(inp, n = 1)) && l == "go") {
  t0 <- proc.time()[["elapsed"]]
  pop <- population(drug = "pregabalin", n = n, seed = 1, dose = "150mg", every = "12h",
                    days = 14, threshold = "2mg/L")
  wall <- proc.time()[["elapsed"]] - t0
  sim <- as.numeric(sub(".*simulated in ([0-9.]+) s.*", "\\1", attr(pop, "text")))
  m <- as.matrix(as.data.frame(pop)) # as the command writes its CSV: %.10g
  writeLines(apply(matrix(sprintf("%.10g", m), nrow(m)), 1, paste, collapse = ","),
             file.path(Sys.getenv("OUT"), "r_pct.csv"))
  writeLines(sprintf("%.3f %.2f", wall, sim), out); flush(out)
}' 2> "$OUT/r.log" &
RPID=$!
exec 3> "$OUT/to_r" 4< "$OUT/from_r"

now() { date +%s.%N; }
printf 'rep\tfront_end\twall_s\tsimulated_s\n' > "$OUT/timings.tsv"
for rep in $(seq 1 "$REPS"); do
  t0=$(now)
  "$GS" population "${ARGS[@]}" --quiet --percentiles-csv "$OUT/cli_pct.csv" > "$OUT/cli.txt" \
    || { echo "gabasim population failed" >&2; exit 1; }
  t1=$(now)
  sim=$(sed -n 's/^simulated in \([0-9.]*\) s.*/\1/p' "$OUT/cli.txt")
  printf '%s\tcli\t%.3f\t%s\n' "$rep" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$sim" >> "$OUT/timings.tsv"
  echo go >&3
  read -r wall rsim <&4 || { echo "the R session failed: $OUT/r.log" >&2; exit 1; }
  printf '%s\tR\t%s\t%s\n' "$rep" "$wall" "$rsim" >> "$OUT/timings.tsv"
done
echo stop >&3
exec 3>&- 4<&-
wait "$RPID"

# The same percentiles from both, to the last digit the command writes (%.10g)
tail -n +2 "$OUT/cli_pct.csv" | cmp -s - "$OUT/r_pct.csv" \
  || { echo "the percentiles differ: $OUT/cli_pct.csv, $OUT/r_pct.csv" >&2; exit 1; }

Rscript -e '
t <- read.delim(file.path(Sys.getenv("OUT"), "timings.tsv"))
m <- function(fe, col) median(t[t$front_end == fe, col])
cw <- m("cli", "wall_s"); rw <- m("R", "wall_s")
co <- median(t$wall_s[t$front_end == "cli"] - t$simulated_s[t$front_end == "cli"])
ro <- median(t$wall_s[t$front_end == "R"] - t$simulated_s[t$front_end == "R"])
cat(sprintf("population, %s subjects, %d repetitions each (alternating); medians:\n",
            Sys.getenv("BENCH_N"), nrow(t) / 2))
cat(sprintf("  command line  %.3f s wall (%.3f s outside the simulation)\n", cw, co))
cat(sprintf("  R             %.3f s wall (%.3f s outside the simulation)\n", rw, ro))
cat(sprintf("  R / command line: %.3f (%+.1f %%); R outside the simulation: %.1f %% of the command line wall time\n",
            rw / cw, 100 * (rw / cw - 1), 100 * ro / cw))
cat(sprintf("  machine load at the end: %s\n", paste(readLines("/proc/loadavg"), collapse = "")))'
echo "the percentiles agree (%.10g); timings in $OUT/timings.tsv"
