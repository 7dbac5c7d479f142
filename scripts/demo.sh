#!/usr/bin/env bash
# The main job: builds the contracts, deploys them into the embedded devnode, wires them and runs
# a member session (KYC approval, join, buy NXM, transfer, sell, leave), printing each step's gas,
# the NXM price and MCR% after it. `--rpc-url URL` runs it on a node instead (the `local`
# profile); `--cached` caches every program through ArbWasmCache first.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
exec cargo run -q --ignore-rust-version -p mutual-deploy --bin mutual-deploy -- "$@"
