#!/usr/bin/env bash
# The executables of the workspace's test build (`cargo test --workspace --no-run`, a no-op after
# scripts/test.sh's test step), one per line, tab-separated:
#   package  kind (bin | test | lib …)  target name  profile (test = a test harness | bin)  path
# Scripts take the binaries they run from here instead of `cargo run -p` / `cargo test -p`,
# which resolve features for one package alone and rebuild ~100 crates for the same code.
# Needs node (to read cargo's JSON messages).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -q --workspace --ignore-rust-version --no-run --message-format=json-render-diagnostics \
  | node -e '
  for (const line of require("fs").readFileSync(0, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue
    const m = JSON.parse(line)
    if (m.reason !== "compiler-artifact" || !m.executable) continue
    // package_id: "path+file:///…/dir#name@version", or "path+file:///…/name#version" when
    // the package is named as its directory.
    const [url, fragment] = m.package_id.split("#")
    const pkg = fragment.includes("@") ? fragment.split("@")[0] : url.split("/").pop()
    const profile = m.profile.test ? "test" : "bin"
    console.log([pkg, m.target.kind.join(","), m.target.name, profile, m.executable].join("\t"))
  }'
