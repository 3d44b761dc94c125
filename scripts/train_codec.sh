#!/usr/bin/env bash
# How the shipped model (Sources/Codec/Resources/default.aeicmodel) was trained: phases of
# `aeic train codec` on the training photos beside the repository (never Kodak), each resumed
# from the checkpoint the one before wrote, then exported. Batches depend only on the seed and
# the step, so the phases reproduce an uninterrupted schedule.
#
#   scripts/train_codec.sh [DATASETS_DIR]      # default ../shared/datasets
#
# The first phases (to step 25,937) ran under commit 1eedcf4, whose gains took absolute Adam
# steps; today's code gives them relative steps from the start, so a rerun ends close to the
# shipped model, not bit for bit on it. At step 25,937 the 8 trained levels were resampled to 9
# (`--lambdas`, adding λ = 0.0009 below the others), and at step 66,256 to 10 (adding 0.00045);
# from step 31,920 the GEMMs ran in bfloat16 (GDN's from 32,482). Code that changed during the
# later phases (kernels, the order of the workers' gradient sums, the entropy model's density in C
# from step 104,375) changes only float rounding. The last phase ran in four pieces, stopped
# with SIGTERM and resumed, each at the learning rate this schedule gives its steps.
# checkpoints/codec.ckpt (Float32 with Adam's moments) is the last (hyperprior) phase's: copy it
# to runs/hyper.ckpt and add another `--resume --steps N` phase to train on. The factorized
# model's last checkpoint (step 140,000) is checkpoints/codec.ckpt at commit 4085df5.
#
# Unset OPENBLAS_CORETYPE (as here) to let OpenBLAS pick its kernels; on a CPU without
# AVX512_BF16, drop `--precision bfloat16` (the phase then runs in float32, about 1.5× slower).
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
data=("$datasets/train-cbsd432" "$datasets/train-sunhays80" "$datasets/train-urban100")
swift build -c release
aeic=.build/release/aeic
mkdir -p runs
common=(--data "${data[@]}" --out runs/codec.ckpt --batch 8 --crop 128 --seed 1 --checkpoint-minutes 5)
eight=(--lambdas 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18)
nine=(--lambdas 0.0009 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18)
ten=(--lambdas 0.00045 0.0009 0.0018 0.0035 0.0067 0.0130 0.0250 0.0483 0.0932 0.18)
bf16=(--precision bfloat16)
unset OPENBLAS_CORETYPE
$aeic train codec "${common[@]}" "${eight[@]}" --steps 1156 --lr 2e-4
$aeic train codec "${common[@]}" --resume --steps 16622 --lr 5e-4
$aeic train codec "${common[@]}" --resume --steps 25937 --lr 1e-4
$aeic train codec "${common[@]}" "${nine[@]}" --resume --steps 31920 --lr 1e-4
$aeic train codec "${common[@]}" --resume --steps 61056 --lr 1e-4 --lr-drop 50000:3e-5 "${bf16[@]}"
$aeic train codec "${common[@]}" --resume --steps 66256 --lr 1e-4 "${bf16[@]}"
$aeic train codec "${common[@]}" "${ten[@]}" --resume --steps 100000 --lr 1e-4 \
    --lr-drop 86000:3e-5 --lr-drop 96000:1e-5 "${bf16[@]}"
$aeic train codec "${common[@]}" --resume --steps 140000 --lr 1e-4 \
    --lr-drop 127000:3e-5 --lr-drop 135000:1e-5 "${bf16[@]}"
# The shipped hyperprior model: g_a, g_s and y's gains start from the factorized model above
# (`--init`), h_a, h_s, z's density and z's gains from their initialisation; 256² crops so that
# z (1/64 of the image) is 4×4 rather than 2×2. This phase ran in three pieces (stopped with
# SIGTERM and resumed at steps 7,025 and 7,565), at the learning rate given here for its steps.
$aeic train codec --data "${data[@]}" --out runs/hyper.ckpt --arch hyperprior --hyper-N 96 \
    --init runs/codec.ckpt --batch 4 --crop 256 --seed 2 --checkpoint-minutes 5 --steps 23500 \
    --lr 1e-4 --lr-drop 19000:3e-5 --lr-drop 21700:1e-5 "${bf16[@]}"
# A warm restart of the hyperprior (run in two pieces, stopped with SIGTERM at step 30,334 and
# resumed, at the learning rate given here for its steps).
$aeic train codec --data "${data[@]}" --out runs/hyper.ckpt --resume --batch 4 --crop 256 --seed 2 \
    --checkpoint-minutes 5 --steps 38500 --lr 1e-4 --lr-drop 34000:3e-5 --lr-drop 37000:1e-5 "${bf16[@]}"
# A second warm restart (run in seven pieces, stopped with SIGTERM and resumed with new plans;
# every piece stopped before its own planned drops, so the rates are the ones given here).
$aeic train codec --data "${data[@]}" --out runs/hyper.ckpt --resume --batch 4 --crop 256 --seed 2 \
    --checkpoint-minutes 5 --steps 52000 --lr 1e-4 --lr-drop 49500:3e-5 --lr-drop 51000:1e-5 "${bf16[@]}"
# A third warm restart (run in three pieces, stopped with SIGTERM and resumed with new plans;
# only the last piece reached its drops, so the rates are the ones given here).
$aeic train codec --data "${data[@]}" --out runs/hyper.ckpt --resume --batch 4 --crop 256 --seed 2 \
    --checkpoint-minutes 5 --steps 63500 --lr 1e-4 --lr-drop 59500:3e-5 --lr-drop 62000:1e-5 "${bf16[@]}"
$aeic train export runs/hyper.ckpt -o Sources/Codec/Resources/default.aeicmodel -f
