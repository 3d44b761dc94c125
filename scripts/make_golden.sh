#!/usr/bin/env bash
# Regenerates the golden files in fixtures/golden/ with the shipped model. Run it (and commit
# the result) whenever the shipped model changes on purpose; CI fails when they disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
aeic=.build/release/aeic
mkdir -p fixtures/golden
for spec in rgb.png:50 grey.png:20 rgba.png:80 rgb-icc.png:60; do
    name=${spec%%:*} quality=${spec##*:}
    stem=fixtures/golden/${name%.png}-q$quality
    $aeic compress fixtures/$name -o $stem.aeic -q "$quality" -f
    $aeic decompress $stem.aeic -o $stem.png -f
    $aeic info $stem.aeic --json > $stem.info.json
done
