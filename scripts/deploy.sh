#!/usr/bin/env bash
# Deploys the mutual to a named network: `scripts/deploy.sh --network NAME` (default: devnode,
# the embedded devnode; local = a node at 127.0.0.1:8547; arbitrum-sepolia). Parameters come from
# deploy/networks/NAME.toml, keys from the environment or key files (never the command line), and
# the result goes to deploy/deployments/NAME.json. Re-running checks what is deployed and only
# does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
# --ignore-rust-version: alloy's provider crates declare rust 1.91; they build on the pinned nightly.
exec cargo run -q --ignore-rust-version -p mutual-deploy --bin deploy -- "$@"
