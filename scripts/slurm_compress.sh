#!/usr/bin/env bash
# Compress a folder of photos on a Slurm cluster: each array task takes its own shard, so the
# tasks need no coordinator and a task that is rerun skips what it already wrote.
#
#   sbatch --array=1-8 scripts/slurm_compress.sh PHOTOS OUT [aeic options...]
#
# Outside Slurm, SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT can be set by hand (the test
# suite runs it that way); GNU parallel does the same on one or more machines:
#   parallel aeic compress PHOTOS -d OUT --recursive --shard {}/8 ::: $(seq 8)
#SBATCH --job-name=aeic-compress
#SBATCH --cpus-per-task=2
set -euo pipefail
photos=$1 out=$2
shift 2
exec "${AEIC:-aeic}" compress "$photos" -d "$out" --recursive \
    --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" "$@"
