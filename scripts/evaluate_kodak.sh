#!/usr/bin/env bash
# One command for the Kodak RD evaluation: aeic's JSON, the baselines' JSON, the BD-rate
# table (results/bd-rate.md), aeic's RD table (results/aeic-table.md) and the plot (results/kodak-rd.png/.svg).
#
#   scripts/evaluate_kodak.sh [KODAK_DIR] [--skip-baselines]
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/datasets/kodak}
data=$(cd "$data" && pwd)
swift build -c release
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -r scripts/requirements.txt
fi
mkdir -p results
.build/release/aeic eval codec --data "$data" --json results/aeic.json -f
if [ "${2:-}" != "--skip-baselines" ]; then
    (cd scripts && ../.venv/bin/python baselines.py --data "$data" --out ../results)
fi
(cd scripts && ../.venv/bin/python rd_table.py ../results/aeic.json) | tee results/aeic-table.md
(cd scripts && ../.venv/bin/python bd_rate.py ../results/aeic.json ../results/{jpeg,webp,jpeg2000,avif,jpegxl}.json) | tee results/bd-rate.md
(cd scripts && ../.venv/bin/python plot_rd.py ../results/aeic.json ../results/{jpeg,webp,jpeg2000,avif,jpegxl}.json \
    ../results/published/*.json --out ../results/kodak-rd)
