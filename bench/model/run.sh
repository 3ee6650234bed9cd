#!/usr/bin/env bash
# Data-model benchmark: load + validate a generated SoT of $HOSTS hosts (default 100,000)
# next to a plain yaml-cpp parse of the same files, in the same run, both from memory.
# Also times `vaquero validate` end to end (disk reads and output included).
# Usage: bench/model/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
HOSTS=${HOSTS:-100000}
RUNS=${RUNS:-3}
bin=$build/vq-model-bench
[ -x "$bin" ] || { echo "bench/model: build vq-model-bench first"; exit 1; }
work=$(mktemp -d -t vqmodel.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$bin" gen "$work/sot" "$HOSTS"
"$bin" run "$work/sot" "$RUNS"
if [ -x "$build/vaquero" ]; then
  start=$(date +%s.%N)
  "$build/vaquero" validate --sot "$work/sot" | tail -1
  end=$(date +%s.%N)
  echo "vaquero validate end to end: $(echo "$end - $start" | bc) s"
fi
