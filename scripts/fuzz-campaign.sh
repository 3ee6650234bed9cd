#!/usr/bin/env bash
# A fuzzing campaign: every libFuzzer binary of a fuzz build runs until it has executed RUNS
# inputs (default 10 million), starting from its committed corpus. New coverage goes to
# OUT/new/<target>/ (merge it into fuzz/corpus/<target>/ with the binary's -merge=1 when it is
# worth keeping: the corpus is replayed by ctest on every build), crashes to OUT/crashes/<target>/.
# One line per target is appended to OUT/summary.tsv: target, exit code, seconds, executions,
# peak RSS in MB, new corpus files, crash files. MAX_SECONDS (unset: no limit) stops a target
# early, for campaigns that must fit a time budget; the executions it reached are recorded.
# Usage: fuzz-campaign.sh BUILD_DIR OUT [TARGET...]
set -uo pipefail
dir=${1:?fuzz build dir}; out=${2:?output dir}; shift 2
runs=${RUNS:-10000000}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(find "$dir" -maxdepth 4 -type f -name '*_fuzz' -perm -u+x -printf '%f\n' |
                         sed 's/_fuzz$//' | sort)
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz-campaign: no fuzz targets built in $dir"; exit 1; }
for t in "${targets[@]}"; do
  bin=$(find "$dir" -maxdepth 4 -type f -name "${t}_fuzz" -perm -u+x | head -1)
  [ -n "$bin" ] || { echo "fuzz-campaign: ${t}_fuzz not built"; continue; }
  mkdir -p "$out/new/$t" "$out/crashes/$t"
  start=$(date +%s)
  "$bin" -runs="$runs" ${MAX_SECONDS:+-max_total_time="$MAX_SECONDS"} -max_len=4096 -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" \
    "$out/new/$t" "$root/fuzz/corpus/$t" >"$out/$t.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$out/$t.log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$rc" "$(($(date +%s) - start))" "${execs:-?}" \
    "${rss:-?}" "$(find "$out/new/$t" -type f | wc -l)" "$(find "$out/crashes/$t" -type f | wc -l)" |
    tee -a "$out/summary.tsv"
done
