#!/usr/bin/env bash
# One command for the Kodak RD evaluation: aeic's JSON, the baselines' JSON, the BD-rate
# table (results/bd-rate.md), aeic's RD table (results/aeic-table.md) and the plot (results/kodak-rd.png/.svg).
#
# With --refine N, aeic is also measured with the encoder's latent search (`--refine N`):
# results/aeic-refine.json and its rows in the same tables (about N + 1 times the encoding time).
#
#   scripts/evaluate_kodak.sh [KODAK_DIR] [--skip-baselines] [--refine N]
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/datasets/kodak baselines=1 refine=0
while [ $# -gt 0 ]; do
    case $1 in
        --skip-baselines) baselines=0 ;;
        --refine) refine=$2; shift ;;
        *) data=$1 ;;
    esac
    shift
done
data=$(cd "$data" && pwd)
swift build -c release
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -r scripts/requirements.txt
fi
mkdir -p results
.build/release/aeic eval codec --data "$data" --json results/aeic.json -f
ours=(../results/aeic.json)
if [ "$refine" -gt 0 ]; then
    .build/release/aeic eval codec --data "$data" --refine "$refine" --name "aeic --refine $refine" \
        --json results/aeic-refine.json -f
    ours+=(../results/aeic-refine.json)
fi
if [ "$baselines" = 1 ]; then
    (cd scripts && ../.venv/bin/python baselines.py --data "$data" --out ../results)
fi
anchors=(../results/{jpeg,webp,jpeg2000,avif,jpegxl}.json)
for json in "${ours[@]}"; do
    printf '%s\n\n' "$(basename "$json" .json)"
    (cd scripts && ../.venv/bin/python rd_table.py "$json")
    echo
done | tee results/aeic-table.md
for json in "${ours[@]}"; do
    (cd scripts && ../.venv/bin/python bd_rate.py "$json" "${anchors[@]}")
    echo
done | tee results/bd-rate.md
(cd scripts && ../.venv/bin/python plot_rd.py "${ours[@]}" "${anchors[@]}" ../results/published/*.json --out ../results/kodak-rd)
