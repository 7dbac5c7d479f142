#!/usr/bin/env bash
# The devnode as a JSON-RPC node on 127.0.0.1:8547 (chain id 412346): builds the `devnode` binary
# of crates/stylus-devnode optimised for speed, then runs it with the arguments given
# (--host, --port, --block-time SECS, --state FILE, --balance ETH; --help lists them).
#
# The workspace's release profile is tuned for contract size (opt-level "z", fat LTO, panic =
# abort); the server is built in its own `devnode` profile instead: opt-level 3, thin LTO, and
# panics unwind so that one bad request is answered with an error rather than ending the node.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
cargo build -q --ignore-rust-version -p stylus-devnode --bin devnode --profile devnode \
  --config 'profile.devnode.inherits="release"' \
  --config 'profile.devnode.opt-level=3' \
  --config 'profile.devnode.lto="thin"' \
  --config 'profile.devnode.codegen-units=16' \
  --config 'profile.devnode.panic="unwind"'
exec "${CARGO_TARGET_DIR:-target}/devnode/devnode" "$@"
