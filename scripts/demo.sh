#!/usr/bin/env bash
# The main job on the bundled examples: load and validate every data model, then preview
# what a machine would receive.
set -euo pipefail
bin=${1:-build/vaquero}
root=$(cd "$(dirname "$0")/.." && pwd)
for sot in "$root"/examples/*/; do
  [ -d "$sot/sites" ] || continue
  echo "== vaquero validate --sot ${sot#$root/}"
  "$bin" validate --sot "$sot"
done
