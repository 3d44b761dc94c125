#!/usr/bin/env bash
# How codec v2 (the checkerboard model, Sources/Codec/Resources/default.aeicmodel) was trained:
# `aeic train codec --arch checkerboard` warm-started from the scale hyperprior's last
# checkpoint (checkpoints/codec.ckpt at commit 9b1433c: g_a, g_s, h_a, h_s, z's density and
# every gain), so that it starts exactly where that model was (the mean head and the
# context's output layer start at zero); then the quality levels resampled to 12, adding
# λ = 0.36 and 0.72 above the old top (0.18) for a higher ceiling; then trained end to end.
#
#   scripts/train_codec_v2.sh [DATASETS_DIR]      # default ../shared/datasets
#
# The photos are those of scripts/train_denoiser.sh's split (runs/denoise-data): the 10 it
# holds back are the validation set for choices here too; never Kodak. The learning rate
# warms up (Adam's moments start afresh) before the long phase at 10⁻⁴. Batches depend only on
# the seed and the step, so a stopped run resumed with `--resume` draws what it would have.
#
# Unset OPENBLAS_CORETYPE (as here) to let OpenBLAS pick its kernels; on a CPU without
# AVX512_BF16, drop `--precision bfloat16`.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
swift build -c release
aeic=.build/release/aeic
split=runs/denoise-data
[ -d "$split/val" ] || { echo "make the split first: the first lines of scripts/train_denoiser.sh" >&2; exit 1; }
common=(--data "$split/cbsd" "$split/urban" "$split/sun" --out runs/v2.ckpt --batch 4 --crop 256 --seed 3
        --checkpoint-minutes 5 --precision bfloat16)
twelve=(--lambdas 0.00045 0.0009 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18 0.36 0.72)
unset OPENBLAS_CORETYPE
$aeic train codec --arch checkerboard --N 128 --M 192 --hyper-N 96 --context-N 128 \
    --init checkpoints/codec.ckpt "${common[@]}" --steps 0
$aeic train codec --resume "${twelve[@]}" "${common[@]}" --steps 16000 \
    --lr 1e-5 --lr-drop 300:3e-5 1000:1e-4 13000:3e-5 15000:1e-5
$aeic train export runs/v2.ckpt -o Sources/Codec/Resources/default.aeicmodel -f
