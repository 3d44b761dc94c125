#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer with AddressSanitizer) of one of aeic's readers:
#
#   scripts/fuzz.sh TARGET SECONDS      # TARGET: container, model, png, jpeg or denoise
#
# SwiftPM passes --sanitize=fuzzer to C targets only; -Xswiftc -sanitize=fuzzer gives the Swift modules
# their coverage counters too. The corpus grows in runs/fuzz/TARGET (seeded from fixtures/ and tiny model files made here);
# every crashing, leaking or slow input is copied to fixtures/fuzz/TARGET/, which the test
# suite replays (`aeic-fuzz TARGET FILE...` built without libFuzzer). The last lines printed
# are libFuzzer's: executions, coverage (cov: edges) and the run's findings.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
swift build -c release --product aeic 2>&1 | tail -1
swift build -c release --product aeic-fuzz --scratch-path .build/fuzz --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -v "Cannot export local symbol" | tail -1
aeic=.build/release/aeic
corpus=runs/fuzz/$target findings=runs/fuzz/$target-findings
mkdir -p "$corpus" "$findings" "fixtures/fuzz/$target"
seed() { [ -e "$1" ] && cp -n "$1" "$corpus/" || true; }
case $target in
container) for f in fixtures/golden/*.aeic; do seed "$f"; done ;;
png) for f in fixtures/*.png ../shared/datasets/pngsuite/*.png; do seed "$f"; done ;;
jpeg | denoise) for f in fixtures/*.jpg fixtures/grey.png; do seed "$f"; done ;;
model)
    tiny=runs/fuzz/tiny && mkdir -p "$tiny"
    for kind in factorized hyperprior checkerboard; do
        $aeic train codec --arch $kind --N 4 --M 4 --hyper-N 2 --context-N 2 --lambdas 0.01 0.1 --data fixtures \
            --crop 16 --batch 1 --steps 0 --out "$tiny/$kind.ckpt" 2>/dev/null
        $aeic train export "$tiny/$kind.ckpt" -o "$corpus/$kind.aeicmodel" -f 2>/dev/null
    done
    $aeic train denoise --channels 2 4 --blocks 1 --data fixtures --crop 16 --batch 1 --steps 0 \
        --out "$tiny/denoiser.ckpt" 2>/dev/null
    $aeic train export "$tiny/denoiser.ckpt" -o "$corpus/denoiser.aeicdenoiser" -f 2>/dev/null ;;
*) echo "unknown target $target" >&2; exit 2 ;;
esac
# One worker beside whatever else runs; 2 GB and 10 s per input are findings, not waits.
# Swift's own crash reporter stays out of the way of libFuzzer's.
SWIFT_BACKTRACE=enable=no AEIC_FUZZ_TARGET=$target .build/fuzz/release/aeic-fuzz "$corpus" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$findings/" -print_final_stats=1 2>&1 \
    | grep -E "^#[0-9]+.*(DONE|pulse)|^stat::|ERROR|SUMMARY|Test unit written|artifact" | tail -25 || true
shopt -s nullglob
for f in "$findings"/*; do cp -n "$f" "fixtures/fuzz/$target/"; echo "finding kept: fixtures/fuzz/$target/$(basename "$f")"; done
