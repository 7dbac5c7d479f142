#!/usr/bin/env bash
# Exports every contract's ABI through the Stylus SDK's own export-abi: for each contract crate
# (contracts/*/ with a Stylus.toml) writes
#   deploy/abi/<package>.sol   the Solidity interface the contract's export-abi binary prints
#                              (`cargo run --features export-abi --target <host>`, as
#                              `cargo stylus export-abi` runs it), with the events the contract
#                              emits added and its errors' parameters named (the SDK exports
#                              functions and unnamed errors only; both come from the interfaces
#                              crate's declarations, by its abi-declarations binary);
#   deploy/abi/<package>.json  its JSON ABI, from compiling that interface with solc (the npm
#                              package pinned in tools/solc, installed here with `npm ci`), plus
#                              the constructor the binary reports.
# Compiling proves the interfaces are valid Solidity. The output is deterministic: rerunning on
# unchanged contracts changes nothing. crates/mutual-interfaces/tests/abi_matches.rs checks the
# JSON against the interfaces crate.
#
# Usage: scripts/export-abi.sh [--check]
#   --check  export into a temporary directory and fail (listing the differences) if
#            deploy/abi is not what the contracts export now; writes nothing.
# Needs: rustup (the pinned toolchain), node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

rustup toolchain install 2>/dev/null || rustup show active-toolchain >/dev/null
host=$(rustc -vV | sed -n 's/^host: //p')

# solc from npm, exactly as package-lock.json pins it (reinstalled when the lock changes).
solc_dir=tools/solc
stamp="$solc_dir/node_modules/.installed-from-package-lock.json"
if ! cmp -s "$solc_dir/package-lock.json" "$stamp" 2>/dev/null; then
  (cd "$solc_dir" && npm ci --silent --no-audit --no-fund)
  cp "$solc_dir/package-lock.json" "$stamp"
fi

out=deploy/abi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if $check; then out="$work/abi"; fi
mkdir -p "$out"

# The license of the generated files: the workspace's (an SPDX expression).
license=$(sed -n 's/^license = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
pragma="pragma solidity ^0.8.23;"

packages=()
for dir in contracts/*/; do
  [ -f "$dir/Stylus.toml" ] || continue
  packages+=("$(sed -n 's/^name = "\(.*\)"$/\1/p' "$dir/Cargo.toml" | head -n 1)")
done

# The export-abi binaries built first, one `cargo build` per group of contracts that ask for the
# same dependency features (stylus-build's feature groups, as its size report builds the wasm):
# shared crates compile once, two contracts build side by side, and cargo's feature unification
# leaves each binary as its own `cargo run` below builds it, so those runs find them fresh.
groups=$(cargo run --quiet --locked --ignore-rust-version -p stylus-build --bin feature-groups -- "${packages[@]}")
while read -r -a group; do
  args=() features=()
  for package in "${group[@]}"; do args+=(-p "$package"); features+=("$package/export-abi"); done
  cargo build --quiet --locked --ignore-rust-version "${args[@]}" \
    --features "$(IFS=,; echo "${features[*]}")" --target "$host" --bins
done <<< "$groups"

exported=()
for package in "${packages[@]}"; do
  echo "export-abi: $package" >&2
  run=(cargo run --quiet --locked --ignore-rust-version -p "$package"
       --features export-abi --target "$host" --)
  "${run[@]}" abi --license "$license" --pragma "$pragma" > "$work/$package.exported.sol"
  # The SDK exports functions and errors only, the errors unnamed: the events the contract emits
  # go in before the interface's closing brace, and each error is replaced by the interfaces
  # crate's declaration of the same name and parameter types (two modules may declare errors
  # of one name, e.g. AlreadyVoted), with its parameter names (abi-declarations).
  cargo run --quiet --locked --ignore-rust-version -p mutual-interfaces --bin abi-declarations \
    -- "$package" > "$work/$package.declarations"
  awk -v declarations="$work/$package.declarations" -v package="$package" '
    function fail(message) { print "export-abi: " package ": " message > "/dev/stderr"; failed = 1; exit 1 }
    # "error Name(type a, type b);" -> "Name(type,type)"
    function shape(line,    open, name, params, n, parts, i, types, words) {
      sub(/^[ \t]*error[ \t]+/, "", line); sub(/;[ \t]*$/, "", line)
      open = index(line, "("); name = substr(line, 1, open - 1)
      params = substr(line, open + 1, length(line) - open - 1)
      n = split(params, parts, ",")
      types = ""
      for (i = 1; i <= n; i++) {
        split(parts[i], words, " ")
        if (words[1] != "") types = types (types == "" ? "" : ",") words[1]
      }
      return name "(" types ")"
    }
    BEGIN {
      while ((getline line < declarations) > 0) {
        if (line ~ /^event /) events[++event_count] = line
        else if (line ~ /^error /) named[shape(line)] = line
      }
    }
    { lines[NR] = $0 }
    END {
      if (failed) exit 1
      last = NR
      while (last > 0 && lines[last] != "}") last--
      if (last == 0) fail("no closing brace of the interface")
      for (i = 1; i < last; i++) {
        if (lines[i] ~ /^[ \t]*error /) {
          key = shape(lines[i])
          if (!(key in named)) fail("error " key " has no declaration of that name and types in mutual-interfaces")
          print "    " named[key]
        } else print lines[i]
      }
      for (e = 1; e <= event_count; e++) { print ""; print "    " events[e] }
      for (i = last; i <= NR; i++) print lines[i]
    }' "$work/$package.exported.sol" > "$work/$package.sol"
  "${run[@]}" constructor > "$work/$package.constructor"
  node "$solc_dir/abi.js" "$work/$package.sol" "$work/$package.constructor" > "$work/$package.json"
  mv "$work/$package.sol" "$work/$package.json" "$out/"
  exported+=("$package")
done

if $check; then
  status=0
  for package in "${exported[@]}"; do
    for ext in sol json; do
      if ! diff -u "deploy/abi/$package.$ext" "$out/$package.$ext"; then
        status=1
      fi
    done
  done
  if [ "$status" -ne 0 ]; then
    echo "export-abi: deploy/abi is out of date: run scripts/export-abi.sh" >&2
    exit 1
  fi
  echo "export-abi: deploy/abi is up to date (${exported[*]})" >&2
else
  for package in "${exported[@]}"; do
    echo "wrote $out/$package.sol $out/$package.json"
  done
fi
