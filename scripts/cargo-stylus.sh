#!/usr/bin/env bash
# cargo-stylus against the project's devnode: the compatibility check of the devnode's JSON-RPC
# server with the official tool (not run in CI).
#
# 1. Builds cargo-stylus from crates.io with a stable toolchain, outside the workspace, into
#    tools/cargo-stylus/.bin (gitignored; skipped when that version is installed already; a cold
#    build takes ~8-20 minutes on 2 cores).
# 2. Starts the devnode JSON-RPC server (scripts/devnode.sh) on a free port in the background.
# 3. In contracts/nxm-token: `cargo stylus check`, then `cargo stylus deploy` (through the
#    StylusDeployer, with the constructor argument `governance` = the deployer) with the nitro
#    dev key, prefunded on the devnode, given through a key file (never on the command line).
# 4. Stops the server. Everything is printed, and kept in $CARGO_STYLUS_LOG_DIR (default: a
#    temporary directory, named at the end).
#
# Usage: scripts/cargo-stylus.sh
# Environment:
#   CARGO_STYLUS_VERSION  cargo-stylus version to build (default 0.10.10, the SDK's)
#   PRIVATE_KEY_PATH      key file for the deployment (default: the nitro dev key, written to a
#                         temporary file; the devnode prefunds it)
#   CARGO_STYLUS_LOG_DIR  where to keep the server's and the commands' output
#   CARGO_TARGET_DIR      as for cargo (also used by the devnode build and cargo-stylus's build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

version=${CARGO_STYLUS_VERSION:-0.10.10}
install_root=$root/tools/cargo-stylus/.bin
cargo_stylus=$install_root/bin/cargo-stylus
contract_dir=contracts/nxm-token
# The nitro dev account (chain owner on the devnode): the address of the key below.
dev_address=0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E
dev_key=0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659

logs=${CARGO_STYLUS_LOG_DIR:-$(mktemp -d -t cargo-stylus.XXXXXX)}
mkdir -p "$logs"

# --- 1. cargo-stylus, built with stable Rust outside the workspace ------------------------------
if [ -x "$cargo_stylus" ] && "$cargo_stylus" stylus --version 2>/dev/null | grep -qx "stylus $version"; then
  echo "== cargo-stylus $version: already installed in ${install_root#"$root"/}"
else
  if ! rustup run stable rustc --version >/dev/null 2>&1; then
    rustup toolchain install stable --profile minimal
  fi
  echo "== building cargo-stylus $version with $(rustup run stable rustc --version)"
  # From outside the workspace, so that neither rust-toolchain.toml nor .cargo/config.toml nor
  # the workspace's target directory applies; --locked builds cargo-stylus's own Cargo.lock.
  (cd / && env -u CARGO_TARGET_DIR cargo +stable install --locked --force \
    --root "$install_root" cargo-stylus --version "=$version")
fi
"$cargo_stylus" stylus --version

# --- 2. the devnode JSON-RPC server on a free port ----------------------------------------------
server_log=$logs/devnode.log
echo "== starting the devnode (scripts/devnode.sh --port 0; builds it first if needed)"
scripts/devnode.sh --port 0 > "$server_log" 2>&1 &
server_pid=$!
key_file=
cleanup() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -INT "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$key_file" ]; then rm -f "$key_file"; fi
}
trap cleanup EXIT

endpoint=
for _ in $(seq 1 1800); do  # a cold build of the server takes minutes
  endpoint=$(sed -n 's/^Listening on \(http[^ ]*\).*$/\1/p' "$server_log" | head -n 1)
  if [ -n "$endpoint" ]; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "devnode exited:" >&2
    cat "$server_log" >&2
    exit 1
  fi
  sleep 1
done
if [ -z "$endpoint" ]; then
  echo "devnode did not start in 30 minutes:" >&2
  cat "$server_log" >&2
  exit 1
fi
endpoint=${endpoint%/}
cat "$server_log"
server_lines=$(wc -l < "$server_log")

# --- 3. check and deploy nxm-token ----------------------------------------------------------------
if [ -n "${PRIVATE_KEY_PATH:-}" ]; then
  key_path=$PRIVATE_KEY_PATH
else
  key_file=$(mktemp -t devkey.XXXXXX)
  chmod 600 "$key_file"
  printf '%s\n' "$dev_key" > "$key_file"
  key_path=$key_file
fi

export PATH="$install_root/bin:$PATH"
status=0
cd "$contract_dir"

echo "== cargo stylus check -e $endpoint  (in $contract_dir)"
if ! cargo stylus check -e "$endpoint" 2>&1 | tee "$logs/check.log"; then status=1; fi

echo "== cargo stylus deploy -e $endpoint --no-verify --constructor-args $dev_address  (in $contract_dir)"
if ! cargo stylus deploy -e "$endpoint" --no-verify --private-key-path "$key_path" \
  --constructor-args "$dev_address" 2>&1 | tee "$logs/deploy.log"; then status=1; fi

# The deployment as a client sees it: code at the address, and `governance()` (selector 0x5aa6e675)
# answering the constructor's argument.
address=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/deploy.log" \
  | sed -n 's/.*deployed code at address: \(0x[0-9a-fA-F]\{40\}\).*/\1/p' | head -n 1)
if [ -n "$address" ]; then
  rpc() {
    curl -s -X POST -H 'content-type: application/json' --data "$1" "$endpoint"; echo
  }
  echo "== eth_getCode / eth_call governance() at $address"
  code=$(rpc '{"jsonrpc":"2.0","id":1,"method":"eth_getCode","params":["'"$address"'","latest"]}' \
    | sed -n 's/.*"result":"\(0x[0-9a-fA-F]*\)".*/\1/p')
  echo "code: ${code:0:18}… ($(( (${#code} - 2) / 2 )) bytes)"
  answer=$(rpc '{"jsonrpc":"2.0","id":2,"method":"eth_call","params":[{"to":"'"$address"'","data":"0x5aa6e675"},"latest"]}')
  echo "governance(): $answer"
  expected=$(printf '%s' "${dev_address#0x}" | tr 'A-F' 'a-f')
  if ! printf '%s' "$answer" | tr 'A-F' 'a-f' | grep -q "000000000000000000000000$expected"; then
    echo "governance() is not the constructor's argument $dev_address" >&2
    status=1
  fi
elif [ "$status" -eq 0 ]; then
  echo "no deployed address in the deploy output" >&2
  status=1
fi

# --- 4. stop the server ---------------------------------------------------------------------------
cd "$root"
cleanup
trap - EXIT
echo "== devnode output after the commands"
tail -n +"$((server_lines + 1))" "$server_log"
echo "== logs kept in $logs"
if [ "$status" -ne 0 ]; then
  echo "cargo-stylus.sh: a cargo stylus command failed (see above)" >&2
fi
exit "$status"
