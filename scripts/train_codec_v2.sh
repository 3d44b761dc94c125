#!/usr/bin/env bash
# How codec v2 (the checkerboard model) was trained: `aeic train codec --arch checkerboard`
# warm-started from the scale hyperprior's last checkpoint (checkpoints/codec.ckpt at commit
# 9b1433c: g_a, g_s, h_a, h_s, z's density and every gain), so that it starts exactly where
# that model was (the mean head and the context's output layer start at zero; a test holds
# this), then trained end to end.
#
#   scripts/train_codec_v2.sh [DATASETS_DIR]      # default ../shared/datasets
#
# The photos are those of scripts/make_split.sh --no-clipped (runs/denoise-data, as for the
# denoiser): the 10 it holds back are the validation set for choices here too; never Kodak. The learning rate
# warms up (Adam's moments start afresh). The run tried 12 quality levels first (λ 0.36 and
# 0.72 added above 0.18, for a higher ceiling): on the validation photos the two new levels
# bought 0.1 dB for 35% more bits after 1,577 steps, so the levels went back to the ten of the
# scale hyperprior (resampled, which leaves the ten trained gains as they were) and training
# went on at those. Batches depend only on the seed and the step, so the phases reproduce the
# run, which was stopped with SIGTERM and resumed at steps 101, 990, 1,577, 2,697, 3,234 and 3,485 to move its
# learning-rate drops to fit the session.
#
# Then a continuation: from the slim checkpoint of step 4,600 (Float16 parameters, Adam's
# moments afresh), seed 5 (fresh batches), 10⁻⁵, 3·10⁻⁵ from step 4,800 and 10⁻⁵ from step
# 14,000, to step 16,500. It was stopped with SIGTERM and resumed at steps 6,851 and 8,635 to
# move its last drop (from 12,000, then 15,000) to fit the session.
#
# Then a second continuation, the shipped model: from the slim checkpoint of step 16,500, seed
# 6, the same warm-up, 3·10⁻⁵ from step 16,800 and 10⁻⁵ from step 23,000, to step 24,000. It
# was stopped with SIGTERM and resumed at steps 18,750 and 18,851 to move its last drop (from
# 26,000, then 24,300) to fit the session.
#
# Unset OPENBLAS_CORETYPE (as here) to let OpenBLAS pick its kernels; on a CPU without
# AVX512_BF16, drop `--precision bfloat16`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/make_split.sh "${1:-../shared/datasets}" --no-clipped
swift build -c release
aeic=.build/release/aeic
split=runs/denoise-data
photos=(--data "$split/cbsd" "$split/urban" "$split/sun" --batch 4 --crop 256 --checkpoint-minutes 5 --precision bfloat16)
common=("${photos[@]}" --out runs/v2.ckpt --seed 3)
twelve=(--lambdas 0.00045 0.0009 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18 0.36 0.72)
ten=(--lambdas 0.00045 0.0009 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18)
# The scale hyperprior's checkpoint, as it was before codec v2 replaced it.
[ -e runs/hyperprior.ckpt ] || git show 9b1433c:checkpoints/codec.ckpt > runs/hyperprior.ckpt
unset OPENBLAS_CORETYPE
$aeic train codec --arch checkerboard --N 128 --M 192 --hyper-N 96 --context-N 128 \
    --init runs/hyperprior.ckpt "${common[@]}" --steps 0
$aeic train codec --resume "${twelve[@]}" "${common[@]}" --steps 1577 --lr 1e-5 --lr-drop 300:3e-5 1000:1e-4
$aeic train codec --resume "${ten[@]}" "${common[@]}" --steps 4600 --lr 1e-4 --lr-drop 4000:3e-5 4400:1e-5
$aeic train export runs/v2.ckpt --slim -o runs/v2.1.ckpt -f
$aeic train codec --resume "${photos[@]}" --out runs/v2.1.ckpt --seed 5 --steps 16500 --lr 1e-5 --lr-drop 4800:3e-5 14000:1e-5
$aeic train export runs/v2.1.ckpt --slim -o runs/v2.2.ckpt -f
$aeic train codec --resume "${photos[@]}" --out runs/v2.2.ckpt --seed 6 --steps 24000 --lr 1e-5 --lr-drop 16800:3e-5 23000:1e-5
$aeic train export runs/v2.2.ckpt -o Sources/Codec/Resources/default.aeicmodel -f
$aeic train export runs/v2.2.ckpt --slim -o checkpoints/codec.ckpt -f
