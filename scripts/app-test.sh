#!/usr/bin/env bash
# The browser test of the member app: scripts/app.sh (a fresh devnode server, the mutual
# deployed and seeded, the KYC signer, Vite) with the devnode and deploy binaries of the
# workspace's test build, then app/tests/journey.mjs — playwright-core driving Debian's
# Chromium through a member's whole journey. Screenshots of each screen go to
# target/app-journey/.
#   1. Chromium: /usr/bin/chromium, else installed with apt-get (Debian's `chromium` package;
#      root or sudo); $CHROMIUM names another executable. Playwright downloads no browser.
#   2. the app's packages (npm ci, app/package-lock.json) and a type check (tsc);
#   3. the app, on a free port; the journey against it; everything stopped after.
# Needs: rustup, node >= 20, npm; apt-get when Chromium is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
elapsed() { echo "$((SECONDS - start)) s"; }

# 1. The browser.
chromium=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$chromium" ]]; then
  [[ -z "${CHROMIUM:-}" ]] || { echo "app-test: CHROMIUM=$CHROMIUM is not executable" >&2; exit 1; }
  if [[ $(id -u) -eq 0 ]]; then apt=(apt-get); else apt=(sudo apt-get); fi
  echo "app-test: installing Debian's chromium (${apt[*]})"
  "${apt[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq chromium >/dev/null
fi
echo "app-test: $("$chromium" --version 2>/dev/null | head -n 1) ($(elapsed))"

# 2. The app's packages and its types.
stamp=app/node_modules/.installed-from-package-lock.json
if ! cmp -s app/package-lock.json "$stamp" 2>/dev/null; then
  (cd app && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  cp app/package-lock.json "$stamp"
fi
(cd app && npx tsc --noEmit)
echo "app-test: types checked ($(elapsed))"

# 3. The app with the test build's binaries (no other build), on a free port.
bins=$(scripts/built-executables.sh | awk -F'\t' '
  $1 == "stylus-devnode" && $3 == "devnode" && $4 == "bin" { devnode = $5 }
  $1 == "mutual-deploy" && $3 == "deploy" && $4 == "bin" { deploy = $5 }
  END { if (devnode == "" || deploy == "") exit 1; print devnode; print deploy }') \
  || { echo "app-test: no devnode or deploy binary built" >&2; exit 1; }
{ read -r DEVNODE_BIN; read -r DEPLOY_BIN; } <<<"$bins"
export DEVNODE_BIN DEPLOY_BIN
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })')
out=target/app-journey
rm -rf "$out" && mkdir -p "$out"
scripts/app.sh --port "$port" >"$out/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null || true; wait $app 2>/dev/null || true' EXIT
for _ in $(seq 1 3000); do
  grep -q '^App on ' "$out/app.log" && break
  kill -0 $app 2>/dev/null || { cat "$out/app.log" >&2; echo "app-test: scripts/app.sh exited" >&2; exit 1; }
  sleep 0.1
done
grep '^App on \|^seed:' "$out/app.log" || { cat "$out/app.log" >&2; echo "app-test: the app did not start in 300 s" >&2; exit 1; }
echo "app-test: the journey ($(elapsed))"
(cd app && CHROMIUM="$chromium" node tests/journey.mjs "http://127.0.0.1:$port/" "../$out") \
  || { echo "app-test: FAILED; the app's log:" >&2; tail -n 30 "$out/app.log" >&2; exit 1; }
echo "app-test: passed ($(elapsed)); screenshots in $out/"
