#!/usr/bin/env bash
# How the shipped model (Sources/Codec/Resources/default.aeicmodel) was trained: three phases
# of `aeic train codec` on the training photos beside the repository (never Kodak), resumed
# from the checkpoint at each step boundary, then exported. Batches depend only on the seed
# and the step, so the phases reproduce an uninterrupted schedule. About 2 CPU-hours here.
#
#   scripts/train_codec.sh [DATASETS_DIR]      # default ../shared/datasets
#
# Unset OPENBLAS_CORETYPE (as here) to let OpenBLAS pick its kernels. checkpoints/codec.ckpt
# is this run continued to step 25,000 at 1e-4: copy it to runs/codec.ckpt and add another
# `--resume --steps N` phase to train on.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
data=("$datasets/train-cbsd432" "$datasets/train-sunhays80" "$datasets/train-urban100")
swift build -c release
aeic=.build/release/aeic
mkdir -p runs
common=(--data "${data[@]}" --out runs/codec.ckpt --batch 8 --crop 128 --seed 1 --checkpoint-minutes 5)
$aeic train codec "${common[@]}" --steps 1156 --lr 2e-4
$aeic train codec "${common[@]}" --resume --steps 16622 --lr 5e-4
$aeic train codec "${common[@]}" --resume --steps 21000 --lr 1e-4
$aeic train export runs/codec.ckpt -o Sources/Codec/Resources/default.aeicmodel -f
