#!/usr/bin/env bash
# The gas report: every lifecycle operation on the embedded devnode (Nitro's Stylus gas, ArbOS 60
# pricing, no L1 data fee), with programs uncached and then cached through ArbWasmCache, beside
# Nexus Mutual V2's EVM gas (../shared/protocol-reference.md §11) and the ratio. Prints the
# README's gas table (Markdown).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
exec cargo run -q --ignore-rust-version -p mutual-deploy --example gas_report
