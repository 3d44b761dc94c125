#!/usr/bin/env bash
# The training photos beside the repository split for the training scripts (never Kodak):
# runs/denoise-data/{cbsd,urban,sun} to train on, and val, the 13 photos held back for choices
# (every 54th of train-cbsd432, every 25th of train-urban100, and three with large clipped white
# regions, 7-20% of their pixels, which the others lack: Kodak has such regions and they decide
# how salt-and-pepper's white pixels are read), as symbolic links. With --no-clipped, the split
# of the runs before 2026-12-03: those three stay in the training sets, and val has 10 photos.
#
#   scripts/make_split.sh [DATASETS_DIR [--no-clipped]]      # default ../shared/datasets
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${1:-../shared/datasets}
split=runs/denoise-data
clipped=" 393035.jpg img_007.png village_sun_abdgedtspkcucrao.jpg "
if [ "${2:-}" = --no-clipped ]; then clipped=""; fi
rm -rf "$split" && mkdir -p "$split/val" "$split/cbsd" "$split/urban" "$split/sun"
# Links `$1` into val if it is held back (`$2`, its position's remainder, is 0, or it is a clipped one), else into `$3`.
place() { if [ "$2" -eq 0 ] || [[ $clipped == *" $(basename "$1") "* ]]; then ln -s "$(realpath "$1")" "$split/val/"; else ln -s "$(realpath "$1")" "$split/$3/"; fi; }
i=0; for f in "$datasets"/train-cbsd432/*.jpg; do i=$((i + 1)); place "$f" $((i % 54)) cbsd; done
i=0; for f in "$datasets"/train-urban100/*.png; do i=$((i + 1)); place "$f" $((i % 25)) urban; done
for f in "$datasets"/train-sunhays80/*.jpg; do place "$f" 1 sun; done
