#!/usr/bin/env bash
# mpi_scaling.sh - MPI scaling of `gabasim population` and `gabasim trial --replicates` on this
# machine (issue 15 item 4; docs/mpi.md).
#
# usage: bash bench/mpi_scaling.sh [BUILD_DIR] [ROUNDS]          (defaults: build, 3)
#
# Strong scaling: a fixed population (gabapentin, batched Dormand-Prince ODE, N_ODE subjects;
# pregabalin, closed form, N_CF subjects) and a fixed number of trial replicates, on 1 process
# without mpirun, then mpirun -np 1, 2 (one thread per rank), and -np 4 oversubscribed (for
# correctness only: more ranks than cores measure nothing but the contention). Weak scaling: the
# same number of subjects per rank (N_ODE for -np 1, 2 N_ODE for -np 2). Each line: the median
# wall time of ROUNDS runs, the speed-up against -np 1 (strong) or the efficiency t1/tR (weak),
# whether every output is byte-identical to the plain process, the bytes each rank sent
# (GABASIM_MPI_TRAFFIC) beside docs/mpi.md's model, and the load average before the set. On a
# 2-core machine shared with other work the figures are noisy: the load says how noisy.
# The "simulate" columns are the population's own "simulated in X s" (rank 0: simulation,
# gathers, reduction), without mpirun's start-up, which the wall time includes (about 0.3 s on
# an idle machine, seconds on a busy one). Writes only to a temporary directory. Environment:
# N_ODE (50000), N_CF (200000), REPS (200).
set -euo pipefail
BUILD=${1:-build}
ROUNDS=${2:-3}
GS=$(realpath "$BUILD/gabasim")
N_ODE=${N_ODE:-50000}
N_CF=${N_CF:-200000}
REPS=${REPS:-200}
SPEC=$(dirname "$(realpath "$0")")/../examples/clbp-gabapentin-trial.json
[ -x "$GS" ] || { echo "mpi_scaling.sh: no $GS; build first (make build)" >&2; exit 2; }
command -v mpirun > /dev/null || { echo "mpi_scaling.sh: no mpirun (apt-get install openmpi-bin)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "mpi_scaling.sh: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none
export OMPI_MCA_mpi_yield_when_idle=1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# sizes on this build (x86-64 Linux, GCC): struct gs_pop_subject 344 bytes, a block's header
# 408, a replicate 104, a replicate slice's header 400 (docs/mpi.md)
SUBJ=344 HEAD=408 REP=104 RHEAD=400

# model_pop N N_OUT BLOCK R: bytes rank 1 .. R-1 send in all (blocks k = r mod R of size BLOCK)
model_pop() {
  awk -v n="$1" -v nout="$2" -v b="$3" -v R="$4" -v s=$SUBJ -v h=$HEAD 'BEGIN {
    nb = int((n + b - 1) / b); tot = 0
    for (k = 0; k < nb; k++) if (k % R != 0) { m = (k + 1) * b > n ? n - k * b : b; tot += h + m * (s + 8 * nout) }
    printf "%.0f", tot }'
}
# model_trial REPS R CALLS: bytes all ranks contribute (each its slice, once per call)
model_trial() {
  awk -v n="$1" -v R="$2" -v c="$3" -v r=$REP -v h=$RHEAD 'BEGIN { printf "%.0f", (R > 1 ? c * (R * h + n * r) : 0) }'
}

# timed NAME NP CMD...: median wall seconds of ROUNDS; outputs of the last round in $TMP/NAME.*,
# each rank's "sent" line summed into $TMP/NAME.bytes
timed() {
  local name=$1 np=$2 i pre=()
  shift 2
  [ "$np" != 0 ] && pre=(mpirun -np "$np" --oversubscribe --bind-to none)
  for ((i = 0; i < ROUNDS; i++)); do
    (cd "$TMP" && GABASIM_MPI_TRAFFIC=1 /usr/bin/time -f %e -o "$name.t" "${pre[@]}" "$@" \
      > "$name.out" 2> "$name.err") || { echo "failed: $name: $(head -c 300 "$TMP/$name.err")" >&2; exit 1; }
    cat "$TMP/$name.t"
  done | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}' > "$TMP/$name.med"
  awk '/ sent [0-9]+ bytes/ {s += $(NF - 4)} END {printf "%.0f", s}' "$TMP/$name.err" > "$TMP/$name.bytes"
}

# same BASE NAME FILES...: "yes" if stdout (less the wall-clock line) and the files are identical
same() {
  local base=$1 name=$2 f
  shift 2
  cmp -s <(grep -v '^simulated in ' "$TMP/$base.out") <(grep -v '^simulated in ' "$TMP/$name.out") || { echo no; return; }
  for f in "$@"; do cmp -s "$TMP/$base.$f" "$TMP/$name.$f" || { echo no; return; }; done
  echo yes
}

row() { # label np t t_ref identical bytes model load [sim t_sim_ref]
  printf '%-38s %3s %8ss %7.2f  %8s %7s  %-9s %12s %12s   %s\n' "$1" "$2" "$3" \
    "$(awk -v a="$4" -v b="$3" 'BEGIN {print a / b}')" "${9:--}" \
    "$(awk -v a="${10:-}" -v b="${9:-}" 'BEGIN {if (a != "" && b != "") printf "%.2f", a / b; else print "-"}')" \
    "$5" "$6" "$7" "$8"
}
header() {
  echo
  echo "$1"
  printf '%-38s %3s %9s %7s  %8s %7s  %-9s %12s %12s   %s\n' case np wall "$2" simulate "$2" identical "bytes sent" "model" "load before"
}
# the population's own "simulated in X s" (rank 0: simulation, gathers and reduction; not
# mpirun's start-up), from the last round
sim() { awk '/^simulated in / {print $3}' "$TMP/$1.out"; }

pop() { # NAME NP N DRUG ARGS...
  local name=$1 np=$2 n=$3 drug=$4
  shift 4
  timed "$name" "$np" "$GS" population --drug "$drug" --n "$n" --threads 1 --quiet \
    --percentiles-csv "$name.p.csv" --summary-csv "$name.s.csv" "$@"
}

echo "gabasim MPI scaling, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(mpirun --version | head -1)"
echo "uptime: $(uptime)"

for kind in ode cf; do
  if [ $kind = ode ]; then
    n=$N_ODE drug=gabapentin args=(--dose 300mg --every 8h --days 3) nout=73 block=1024
  else
    n=$N_CF drug=pregabalin args=(--dose 150mg --every 12h --days 3) nout=73 block=256
  fi
  header "strong scaling: $drug population, N = $n, $nout output times, 1 thread per rank" "speed-up"
  for np in 0 1 2 4; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    pop "$kind.$np" $np "$n" $drug "${args[@]}"
    [ $np = 0 ] && continue
    t1=$(cat "$TMP/$kind.1.med")
    label="mpirun"; [ $np = 4 ] && label="mpirun, oversubscribed (correctness)"
    row "$label" $np "$(cat "$TMP/$kind.$np.med")" "$t1" "$(same "$kind.0" "$kind.$np" p.csv s.csv)" \
      "$(cat "$TMP/$kind.$np.bytes")" "$(model_pop "$n" $nout $block $np)" "$load" \
      "$(sim "$kind.$np")" "$(sim "$kind.1")"
  done
  echo "  (one process without mpirun: $(cat "$TMP/$kind.0.med") s wall, $(sim "$kind.0") s simulating)"
done

header "weak scaling: gabapentin, $N_ODE subjects per rank" "efficiency"
load=$(cut -d' ' -f1-3 /proc/loadavg)
pop weak.1 1 "$N_ODE" gabapentin --dose 300mg --every 8h --days 3
row "mpirun" 1 "$(cat "$TMP/weak.1.med")" "$(cat "$TMP/weak.1.med")" - \
  "$(cat "$TMP/weak.1.bytes")" 0 "$load" "$(sim weak.1)" "$(sim weak.1)"
load=$(cut -d' ' -f1-3 /proc/loadavg)
pop weak.2 2 $((2 * N_ODE)) gabapentin --dose 300mg --every 8h --days 3
pop weak.0 0 $((2 * N_ODE)) gabapentin --dose 300mg --every 8h --days 3
row "mpirun" 2 "$(cat "$TMP/weak.2.med")" "$(cat "$TMP/weak.1.med")" "$(same weak.0 weak.2 p.csv s.csv)" \
  "$(cat "$TMP/weak.2.bytes")" "$(model_pop $((2 * N_ODE)) 73 1024 2)" "$load" "$(sim weak.2)" \
  "$(sim weak.1)"

header "strong scaling: trial replicates, $REPS replicates of examples/clbp-gabapentin-trial.json" "speed-up"
for np in 0 1 2 4; do
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  timed "trial.$np" $np "$GS" trial "$SPEC" --replicates "$REPS" --threads 1 --quiet --csv "trial.$np.csv"
  [ $np = 0 ] && continue
  t1=$(cat "$TMP/trial.1.med")
  label="mpirun"; [ $np = 4 ] && label="mpirun, oversubscribed (correctness)"
  row "$label" $np "$(cat "$TMP/trial.$np.med")" "$t1" "$(same trial.0 "trial.$np" csv)" \
    "$(cat "$TMP/trial.$np.bytes")" "$(model_trial "$REPS" $np 1)" "$load"
done
echo "  (one process without mpirun: $(cat "$TMP/trial.0.med") s)"
echo
echo "uptime: $(uptime)"
