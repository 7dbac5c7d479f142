#!/usr/bin/env bash
# The security and reliability suite (security/, issue 11) on the embedded devnode over the
# contracts' real WASM, printing its figures (rows, calls, cases, seconds).
#   scripts/security.sh          the fast settings, as `cargo test --workspace` runs them in
#                                scripts/test.sh
#   scripts/security.sh --deep   the deep settings (SECURITY_DEEP=1): 100,000 malformed calls per
#                                contract; the same test build, only the counts change
# Extra arguments go to the test binaries (e.g. a test name to run one).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=fast
if [[ "${1:-}" == "--deep" ]]; then
  export SECURITY_DEEP=1
  mode=deep
  shift
fi
rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
start=$(date +%s)
env -u RPC_URL -u E2E_BACKEND cargo test -p protocol-security --ignore-rust-version -- --nocapture "$@"
echo "security suite ($mode settings): $(( $(date +%s) - start )) s"
