#!/usr/bin/env bash
# Precision of mutual-math against a 512-bit / exact-integer reference, with V1's curve
# approximation beside it. Pass `--cases N` to change the sample size (default 10 000).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q -p mutual-math-reference --bin precision-report -- "$@"
