#!/usr/bin/env bash
# Runs every benchmark script under bench/ (each compares Vaquero with its peer in one run).
# Every benchmark runs even when one fails; the exit status says whether any failed.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
failed=()
for b in "$root"/bench/*/run.sh; do
  [ -x "$b" ] || continue
  name=$(basename "$(dirname "$b")")
  echo "== $name"
  "$b" "$root/$build" || { echo "bench: $name failed" >&2; failed+=("$name"); }
done
[ ${#failed[@]} -eq 0 ] || { echo "bench: failed: ${failed[*]}" >&2; exit 1; }
