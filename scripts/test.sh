#!/usr/bin/env bash
# The test command: everything that needs no external node.
#   1. installs the pinned toolchain (rust-toolchain.toml: nightly + wasm32 target + rust-src);
#   2. builds every contract to deployable Stylus code and checks size and Nitro validity
#      (the size report; the devnode tests run these artifacts);
#   3. runs the whole test suite (unit, property, devnode end-to-end) on the embedded devnode;
#   4. checks the exported ABIs (deploy/abi) and compiles them with solc (npm, pinned);
#   5. runs the viem client test against the devnode server (npm, pinned);
#   6. runs the member app's journey in Chromium (scripts/app-test.sh: Debian's chromium, installed
#      with apt-get when missing; the app's npm packages pinned) against the devnode server;
#   7. runs the end-to-end scenarios again over JSON-RPC: each world starts the devnode server on
#      a free port of 127.0.0.1 and drives it through alloy's provider.
# Needs rustup, a C compiler, node and npm (every package comes from the lockfiles), and apt-get
# (root or sudo) where Chromium is not installed.
# `RPC_URL=http://... scripts/test.sh` runs the end-to-end scenarios against that node instead of
# step 6 (one at a time: they share the node; scenarios that move time are skipped on a node
# without the dev methods).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup toolchain install 2>/dev/null || rustup show active-toolchain
cargo --version

scripts/size-report.sh
# --ignore-rust-version: stylus-sdk's TestVM (stylus-test 0.10.10) depends on alloy 1.7.3+, whose
# crates declare rust-version 1.91; they build and pass on the pinned 1.90 nightly, which the
# contracts need for their size (see README).
env -u RPC_URL cargo test --workspace --ignore-rust-version

# The exported ABIs (deploy/abi) are what the contracts export now, and compile with solc (npm's,
# pinned in tools/solc); crates/mutual-interfaces/tests/abi_matches.rs checked them against the
# interfaces crate above.
scripts/export-abi.sh --check

# A real client: viem (pinned in clients/viem) against the devnode server.
scripts/viem-test.sh

# The member app (app/), clicked through by playwright-core in Chromium against the devnode server.
scripts/app-test.sh

# The end-to-end scenarios again, over JSON-RPC: the e2e test binaries of the build above.
e2e_binaries=$(scripts/built-executables.sh | awk -F'\t' '$1 == "protocol-e2e" && $4 == "test" { print $5 }')
[[ -n "$e2e_binaries" ]] || { echo "test.sh: no end-to-end test binary found" >&2; exit 1; }
if [[ -n "${RPC_URL:-}" ]]; then
  echo "== end-to-end scenarios against $RPC_URL (one at a time: they share the node) =="
  for binary in $e2e_binaries; do (cd tests && "$binary" --test-threads=1); done
else
  echo "== end-to-end scenarios over JSON-RPC (each world starts a devnode server on a free port) =="
  for binary in $e2e_binaries; do (cd tests && E2E_BACKEND=rpc "$binary"); done
fi
