#!/usr/bin/env bash
# The real-client test: viem (clients/viem, pinned by its package-lock.json) against the devnode
# JSON-RPC server, as a dApp would talk to a node.
#   1. installs viem with `npm ci` (again only when clients/viem/package-lock.json changed);
#   2. takes the devnode server and the deployer from the test build (`cargo test --workspace
#      --no-run`: nothing to build after scripts/test.sh's test step) and starts the server on a
#      free port of 127.0.0.1 (`--port 0`; the URL is read from its log);
#   3. deploys the mutual to it with `deploy --network local --rpc-url URL`;
#   4. runs clients/viem/test.mjs (node:test): reads the protocol's state, joins with a KYC
#      approval, swaps ETH for NXM through the RAMM, decodes custom errors from reverts;
#   5. stops the server, whatever happened.
# The deployment's record goes to a temporary file (`--out`), never to deploy/deployments/.
# Needs: rustup (the pinned toolchain), node >= 18 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

client=clients/viem
command -v node >/dev/null && command -v npm >/dev/null \
  || { echo "viem-test: needs node and npm on PATH" >&2; exit 1; }
start=$SECONDS
elapsed() { echo "$((SECONDS - start)) s"; }

# 1. viem, exactly as the lock file pins it.
stamp="$client/node_modules/.installed-from-package-lock.json"
if ! cmp -s "$client/package-lock.json" "$stamp" 2>/dev/null; then
  echo "viem-test: npm ci in $client"
  (cd "$client" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp "$client/package-lock.json" "$stamp"
fi
echo "viem-test: viem $(node -p "require('./$client/node_modules/viem/package.json').version"), node $(node --version) ($(elapsed))"

# 2. The server and the deployer as the test build (`cargo test --workspace`) builds them: a no-op
# after scripts/test.sh's test step (see scripts/built-executables.sh).
echo "viem-test: the devnode and deploy binaries of the workspace's test build"
bins=$(scripts/built-executables.sh | awk -F'\t' '
  $1 == "stylus-devnode" && $3 == "devnode" && $4 == "bin" { devnode = $5 }
  $1 == "mutual-deploy" && $3 == "deploy" && $4 == "bin" { deploy = $5 }
  END { if (devnode == "" || deploy == "") exit 1; print devnode; print deploy }') \
  || { echo "viem-test: no devnode or deploy binary built" >&2; exit 1; }
{ read -r devnode; read -r deploy; } <<<"$bins"

# The server, on a free port.
work=$(mktemp -d)
log="$work/devnode.log"
record="$work/local.json"
server=""
cleanup() {
  status=$?
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -s "$log" ]]; then
    echo "viem-test: FAILED; the server's log ends:" >&2
    tail -n 20 "$log" >&2
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$devnode" --port 0 >"$log" 2>&1 &
server=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -n 's/^Listening on \(http:[^ ]*\).*/\1/p' "$log" | head -n 1)
  [[ -n "$url" ]] && break
  kill -0 "$server" 2>/dev/null || { echo "viem-test: the devnode server exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$url" ]] || { echo "viem-test: the devnode server printed no URL in 60 s" >&2; exit 1; }
RPC_URL="$url" node -e '
  const deadline = Date.now() + 30_000
  const ask = () => fetch(process.env.RPC_URL, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) })
    .then((r) => r.json()).then((r) => console.log(`viem-test: devnode at ${process.env.RPC_URL}, chain id ${parseInt(r.result, 16)}`))
    .catch((e) => Date.now() < deadline ? new Promise((ok) => setTimeout(ok, 100)).then(ask) : Promise.reject(e))
  ask().catch((e) => { console.error(`viem-test: no answer to eth_chainId: ${e}`); process.exit(1) })'

# 3. Deploy (a fresh record: the chain is fresh).
echo "viem-test: deploying ($(elapsed))"
"$deploy" --network local --rpc-url "$url" --out "$record" >"$work/deploy.log" 2>&1 \
  || { cat "$work/deploy.log" >&2; exit 1; }
awk '/^  (nxm-token|membership|capital-pool|ramm) / { printf "  %-13s %s\n", $1, $2 }' "$work/deploy.log"

# 4. The client.
echo "viem-test: node --test $client/test.mjs ($(elapsed))"
RPC_URL="$url" DEPLOYMENTS="$work/local.json" ABI_DIR=deploy/abi \
  node --test --test-reporter=spec "$client/test.mjs"
echo "viem-test: passed ($(elapsed))"
