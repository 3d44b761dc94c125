#!/usr/bin/env bash
# Runs the test suite with OpenBLAS's fast kernels: when the library does not recognise this
# CPU and falls back to generic kernels, `aeic bench system --recommended-core` names the core
# to use instead (the same rule `aeic` applies to itself); a core chosen by the user is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests >/dev/null
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
    core=$(.build/debug/aeic bench system --recommended-core)
    [ -n "$core" ] && export OPENBLAS_CORETYPE="$core"
fi
exec swift test "$@"
