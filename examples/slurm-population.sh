#!/usr/bin/env bash
# slurm-population.sh - a virtual population across a Slurm cluster's nodes (docs/mpi.md).
#
#   sbatch examples/slurm-population.sh
#
# One MPI rank per node, one thread per core inside it (fewer bytes to gather than a rank per
# core). gabasim must be built with MPI on the cluster (cmake -DGS_MPI=ON) against the MPI that
# srun launches (module load openmpi, or the system's libopenmpi-dev). The outputs are byte for
# byte those of one process: rank 0 writes them, the other ranks only simulate.
#SBATCH --job-name=gabasim-pop
#SBATCH --nodes=4
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=16
#SBATCH --time=00:30:00
#SBATCH --output=gabasim-pop-%j.log
set -euo pipefail

GABASIM=${GABASIM:-gabasim}   # or the build tree's build/gabasim
OUT=${OUT:-pop-$SLURM_JOB_ID}
mkdir -p "$OUT"

# threads per rank: the CPUs Slurm gave each task
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}

# srun starts the ranks (PMI/PMIx: gabasim sees PMI_SIZE or PMIX_RANK and starts MPI; add
# --mpi=pmix where the site's default MPI plugin is none);
# with Open MPI outside Slurm: mpirun -np 4 --map-by ppr:1:node --bind-to none "$GABASIM" ...
srun --cpu-bind=none "$GABASIM" population --drug gabapentin --n 1000000 --seed 1 \
  --covariates clbp-atkinson2016 --dose 300mg --every 8h --days 7 --threshold 2mg/L \
  --threads "$OMP_NUM_THREADS" --quiet \
  --percentiles-csv "$OUT/percentiles.csv" --summary-csv "$OUT/subjects.csv" \
  --json > "$OUT/summary.json"
echo "written: $OUT/percentiles.csv $OUT/subjects.csv $OUT/summary.json"
