#!/usr/bin/env bash
# Runs every libFuzzer binary of a fuzz build for N seconds on its corpus (new inputs are
# added to fuzz/corpus/<target>/ so the ctest replay picks them up).
set -euo pipefail
dir=${1:-build-fuzz}; secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
found=0
for bin in $(find "$dir" -maxdepth 4 -type f -name '*_fuzz' -perm -u+x | sort); do
  name=$(basename "$bin")
  corpus="$root/fuzz/corpus/${name%_fuzz}"
  mkdir -p "$corpus"
  echo "== $name for ${secs}s on $corpus"
  "$bin" -max_total_time="$secs" -max_len=4096 "$corpus"
  found=$((found + 1))
done
[ "$found" -gt 0 ] || { echo "fuzz: no fuzz targets built in $dir"; exit 1; }
