#!/usr/bin/env sh
# Deployed size of every contract (or of the named packages) against Stylus's 24,576-byte limit,
# with activation costs; exits non-zero if any contract is over a limit or invalid.
# Usage: scripts/size-report.sh [--json] [PACKAGE...]
set -eu
cd "$(dirname "$0")/.."
exec cargo run -q -p stylus-build --bin size-report -- "$@"
