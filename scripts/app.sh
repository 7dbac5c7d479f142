#!/usr/bin/env bash
# The member app (app/): serves it with Vite against a node, with the local KYC signer.
#
#   scripts/app.sh                  a fresh devnode server (scripts/devnode.sh) on a free port of
#                                   127.0.0.1, the mutual deployed to it (`deploy --network local
#                                   --rpc-url URL`, the record in a temporary file), seeded with a
#                                   staking pool (app/seed.mjs), the KYC signer with the local
#                                   profile's dev authority, and the app at http://127.0.0.1:5173
#   scripts/app.sh --network NAME   the deployment deploy/deployments/NAME.json on its network's
#                                   node (deploy/networks/NAME.toml's rpc_url, or $MUTUAL_RPC_URL);
#                                   the KYC signer signs with $MUTUAL_KYC_KEY (the authority's key)
#   --port N                        the app's port (default 5173)
#
# It prints "App on http://…" once everything answers and runs until interrupted, then stops
# what it started. DEVNODE_BIN and DEPLOY_BIN use already built binaries instead of building
# them (scripts/app-test.sh passes the test build's). Needs: rustup, node >= 20, npm.
set -euo pipefail
cd "$(dirname "$0")/.."

network=""
port=5173
while [[ $# -gt 0 ]]; do
  case "$1" in
    --network) network="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "usage: $0 [--network NAME] [--port N]" >&2; exit 2 ;;
  esac
done
command -v node >/dev/null && command -v npm >/dev/null || { echo "app: needs node and npm on PATH" >&2; exit 1; }

# The app's packages, exactly as app/package-lock.json pins them (again only when it changed).
stamp=app/node_modules/.installed-from-package-lock.json
if ! cmp -s app/package-lock.json "$stamp" 2>/dev/null; then
  echo "app: npm ci in app/"
  (cd app && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp app/package-lock.json "$stamp"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $status -ne 0 && $status -ne 130 && $status -ne 143 ]]; then # a failure, not a stop
    for log in "$work"/*.log; do
      [[ -s "$log" ]] && { echo "app: $(basename "$log") ends:" >&2; tail -n 15 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Waits up to $4 seconds (default 120) for a line of log $1 matching sed expression $2 (colour
# codes removed), while process $3 runs, and prints what the expression captured.
await_line() {
  local log=$1 expression=$2 pid=$3 limit=${4:-120} found=""
  for _ in $(seq 1 $((limit * 10))); do
    found=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | sed -n "$expression" | head -n 1)
    [[ -n "$found" ]] && { echo "$found"; return; }
    kill -0 "$pid" 2>/dev/null || { echo "app: $(basename "$log" .log) exited" >&2; return 1; }
    sleep 0.1
  done
  echo "app: $(basename "$log" .log) printed nothing in $limit s" >&2
  return 1
}

if [[ -z "$network" ]]; then
  # A fresh devnode server and a fresh deployment on it.
  # Without DEVNODE_BIN, scripts/devnode.sh builds the server first (minutes on a fresh machine).
  if [[ -n "${DEVNODE_BIN:-}" ]]; then "$DEVNODE_BIN" --port 0 >"$work/devnode.log" 2>&1 &
  else echo "app: building and starting the devnode server"; scripts/devnode.sh --port 0 >"$work/devnode.log" 2>&1 &
  fi
  pids+=($!)
  rpc_url=$(await_line "$work/devnode.log" 's/^Listening on \(http:[^ ]*\).*/\1/p' "${pids[-1]}" 1800)
  echo "app: devnode at $rpc_url; deploying (the first time, scripts/deploy.sh builds the deployer)"
  record="$work/local.json"
  if [[ -n "${DEPLOY_BIN:-}" ]]; then deploy=("$DEPLOY_BIN"); else deploy=(scripts/deploy.sh); fi
  "${deploy[@]}" --network local --rpc-url "$rpc_url" --out "$record" >"$work/deploy.log" 2>&1 \
    || { echo "app: the deployment failed" >&2; exit 1; }
  export MUTUAL_KYC_DEV_SEED="mutual devnet kyc authority" # deploy/networks/local.toml's dev seed
  export MUTUAL_DEV_METHODS=1
  MUTUAL_DEPLOYMENT="$record" MUTUAL_RPC_URL="$rpc_url" node app/seed.mjs
else
  record="deploy/deployments/$network.json"
  [[ -f "$record" ]] || { echo "app: no $record (scripts/deploy.sh --network $network writes it)" >&2; exit 1; }
  rpc_url=${MUTUAL_RPC_URL:-$(sed -n 's/^rpc_url *= *"\(.*\)"/\1/p' "deploy/networks/$network.toml")}
  [[ -n "$rpc_url" ]] || { echo "app: no rpc_url for $network; set MUTUAL_RPC_URL" >&2; exit 1; }
  [[ -n "${MUTUAL_KYC_KEY:-}" ]] || { echo "app: set MUTUAL_KYC_KEY (the KYC authority's key)" >&2; exit 1; }
fi
export MUTUAL_DEPLOYMENT="$(realpath "$record")" MUTUAL_RPC_URL="$rpc_url"

KYC_PORT=0 node app/kyc-signer.mjs >"$work/kyc.log" 2>&1 &
pids+=($!)
MUTUAL_KYC_URL=$(await_line "$work/kyc.log" 's/^KYC signer on \(http:[^ ]*\).*/\1/p' "${pids[-1]}")
export MUTUAL_KYC_URL

# NO_COLOR: Vite colours its output when $CI is set, which would split the URL it prints.
(cd app && NO_COLOR=1 exec node node_modules/vite/bin/vite.js --port "$port" --strictPort) >"$work/vite.log" 2>&1 &
pids+=($!)
await_line "$work/vite.log" 's/.*\(http:\/\/127\.0\.0\.1:[0-9]*\/\).*/\1/p' "${pids[-1]}" >/dev/null
echo "App on http://127.0.0.1:$port/ (node $rpc_url, chain $(node -p "require('$MUTUAL_DEPLOYMENT').chainId"), KYC signer $MUTUAL_KYC_URL)"
wait -n "${pids[@]}"
