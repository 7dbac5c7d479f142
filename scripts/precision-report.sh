#!/usr/bin/env bash
# Precision of mutual-math (the RAMM, mul_div, sqrt, premium, MCR smoothing, stake shares)
# against an exact reference: distance from the correctly rounded result against each function's
# documented bound (0 = exactly rounded; the RAMM's price paths a few units, always for the
# mutual), results on the wrong (trader's) side, relative error. Exits non-zero if a bound or the
# side is missed. Pass `--cases N` to change the sample size (default 10 000).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run -q -p mutual-math-reference --bin precision-report -- "$@"
