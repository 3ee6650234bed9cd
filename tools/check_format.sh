#!/usr/bin/env bash
# Fails when any tracked or new C++ file is not clang-format clean. With --fix, rewrites them.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard -- '*.h' '*.cc' '*.cpp' | grep -v '^third_party/' || true)
[ -z "$files" ] && exit 0
if [ "${1:-}" = "--fix" ]; then
  echo "$files" | xargs clang-format-14 -i
else
  echo "$files" | xargs clang-format-14 --dry-run -Werror
  echo "check_format: ok ($(echo "$files" | wc -l) files)"
fi
