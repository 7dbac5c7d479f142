#!/usr/bin/env bash
# The test command: everything that needs no external node.
#   1. installs the pinned toolchain (rust-toolchain.toml: nightly + wasm32 target + rust-src);
#   2. builds every contract to deployable Stylus code and checks size and Nitro validity
#      (the size report; the devnode tests run these artifacts);
#   3. runs the whole test suite (unit, property, devnode end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install 2>/dev/null || rustup show active-toolchain
cargo --version

scripts/size-report.sh
cargo test --workspace
