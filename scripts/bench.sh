#!/usr/bin/env bash
# Runs every benchmark script under bench/ (each compares Vaquero with its peer in one run).
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
for b in "$root"/bench/*/run.sh; do
  [ -x "$b" ] || continue
  echo "== $(basename "$(dirname "$b")")"
  "$b" "$root/$build" || echo "bench: $(dirname "$b") failed"
done
