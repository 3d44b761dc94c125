#!/usr/bin/env bash
# The test suite: the RD scripts' tests, then the Swift tests with OpenBLAS's fast kernels.
#
# When OpenBLAS does not recognise the CPU and falls back to generic kernels,
# `aeic bench system --recommended-core` names the core to use instead (the rule `aeic`
# applies to itself); a core the user chose with OPENBLAS_CORETYPE is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Python scripts, in the virtual environment that README's set-up makes.
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q -r scripts/requirements.txt
fi
(cd scripts && ../.venv/bin/python -m unittest test_scripts)

swift build --build-tests
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    core=$(.build/debug/aeic bench system --recommended-core)
    if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
fi
swift test --disable-swift-testing "$@"
