#!/usr/bin/env bash
# The training photos beside the repository split for the training scripts (never Kodak):
# runs/denoise-data/{cbsd,urban,sun} to train on, and val, the 10 photos held back for choices
# (every 54th of train-cbsd432, every 25th of train-urban100), as symbolic links.
#
#   scripts/make_split.sh [DATASETS_DIR]      # default ../shared/datasets
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
split=runs/denoise-data
rm -rf "$split" && mkdir -p "$split/val" "$split/cbsd" "$split/urban" "$split/sun"
i=0; for f in "$datasets"/train-cbsd432/*.jpg; do i=$((i + 1))
    if [ $((i % 54)) -eq 0 ]; then ln -s "$(realpath "$f")" "$split/val/"; else ln -s "$(realpath "$f")" "$split/cbsd/"; fi; done
i=0; for f in "$datasets"/train-urban100/*.png; do i=$((i + 1))
    if [ $((i % 25)) -eq 0 ]; then ln -s "$(realpath "$f")" "$split/val/"; else ln -s "$(realpath "$f")" "$split/urban/"; fi; done
for f in "$datasets"/train-sunhays80/*.jpg; do ln -s "$(realpath "$f")" "$split/sun/"; done
