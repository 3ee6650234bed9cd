#!/usr/bin/env bash
# Power bench: $BMCS (default 100) OpenIPMI ipmi_sim BMCs on 10.99.9.1..N in a namespace.
# Each side power-cycles every BMC and confirms it by a status read, 64 hosts at a time:
#   vaquero   one process, in-process IPMI (libfreeipmi) on the bounded executor
#             (vq-power-bench, the driver `vaquero power` uses)
#   ipmitool  the original's way: one `ipmitool -I lanplus -C 3` process per call
# Sides alternate for $ROUNDS rounds in the same run. A host counts as confirmed when its
# status read answered AND its BMC recorded the power-down. Goal: >= 5x less wall time,
# N/N confirmed.   usage: bench/power/run.sh [BUILD_DIR]
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
if [ "$(id -u)" -ne 0 ]; then echo "power: skipped (needs root for network namespaces)"; exit 0; fi
for t in ipmi_sim ipmitool xargs; do
  command -v $t >/dev/null || { echo "power: skipped (needs $t; make deps)"; exit 0; }
done
bench=$build/vq-power-bench
[ -x "$bench" ] || { echo "power: build vq-power-bench first"; exit 1; }
source "$root/tests/system/lib.sh"
source "$root/tests/system/power/bmc.sh"
N=${BMCS:-100}
ROUNDS=${ROUNDS:-2}
PAR=64
[ "$N" -ge 1 ] && [ "$N" -le 250 ] || vq_fail "BMCS must be 1..250"
pw=bench-pw-1

ns=$(vq_netns_name pb)
vq_netns_add "$ns"
: > "$VQ_TMP/targets"
for i in $(seq 1 "$N"); do
  a=10.99.9.$i
  ip -n "$ns" addr add "$a/32" dev lo
  vq_bmc_config "$VQ_TMP/bmc$i" "$a" 623 admin "$pw"
  echo 1 > "$VQ_TMP/bmc$i/state/power"
  vq_bmc_start "$ns" "$VQ_TMP/bmc$i"
  echo "$a 623" >> "$VQ_TMP/targets"
done
ipmi() { ip netns exec "$ns" ipmitool -I lanplus -C 3 -H "$1" -U admin -P "$pw" "${@:2}"; }
for i in $(seq 1 "$N"); do
  vq_wait_for 20 ipmi "10.99.9.$i" chassis power status || vq_fail "BMC 10.99.9.$i did not start"
done

each_bmc_down_once_more() {  # BEFORE-FILE: every BMC recorded exactly one more power-down
  local i ok=0
  for i in $(seq 1 "$N"); do
    local now; now=$(grep -c "set power 0" "$VQ_TMP/bmc$i/state/calls.log" 2>/dev/null || true)
    [ "${now:-0}" -eq $(( $(sed -n "${i}p" "$1") + 1 )) ] && ok=$((ok + 1))
  done
  echo "$ok"
}
snapshot() {
  local i
  for i in $(seq 1 "$N"); do grep -c "set power 0" "$VQ_TMP/bmc$i/state/calls.log" 2>/dev/null || echo 0; done > "$1"
}
all_on() {
  local i
  for i in $(seq 1 "$N"); do [ "$(cat "$VQ_TMP/bmc$i/state/power")" = 1 ] || return 1; done
}

run_vaquero() {
  VQ_BENCH_BMC_PASSWORD=$pw ip netns exec "$ns" "$bench" "$VQ_TMP/targets" admin "$PAR" \
    > "$VQ_TMP/vq.out" 2> "$VQ_TMP/vq.err"
  grep -o '^vaquero: [0-9]*/[0-9]*' "$VQ_TMP/vq.out" | cut -d' ' -f2 | cut -d/ -f1
}
run_ipmitool() {
  cut -d' ' -f1 "$VQ_TMP/targets" | ip netns exec "$ns" xargs -P "$PAR" -I{} sh -c \
    "ipmitool -I lanplus -C 3 -H {} -U admin -P '$pw' chassis power cycle >/dev/null 2>&1 &&
     ipmitool -I lanplus -C 3 -H {} -U admin -P '$pw' chassis power status 2>/dev/null |
     grep -q 'Chassis Power is' && echo ok" | grep -c ok || true
}

printf '%-9s %6s %10s %10s\n' side round seconds confirmed
declare -A best
for r in $(seq 1 "$ROUNDS"); do
  for side in vaquero ipmitool; do
    vq_wait_for 30 all_on || vq_fail "BMCs did not all come back on"
    snapshot "$VQ_TMP/before"
    t0=$(date +%s%N)
    answered=$(run_$side)
    secs=$(echo "scale=3; ($(date +%s%N) - $t0) / 1000000000" | bc)
    # chassis_control scripts may still be writing under load: recount for up to 10 s
    for _ in $(seq 1 20); do
      downs_ok=$(each_bmc_down_once_more "$VQ_TMP/before")
      [ "$downs_ok" -eq "$N" ] && break
      sleep 0.5
    done
    confirmed=$(( answered < downs_ok ? answered : downs_ok ))
    printf '%-9s %6s %10s %7s/%s\n' "$side" "$r" "$secs" "$confirmed" "$N"
    if [ -z "${best[$side]:-}" ] || [ "$(echo "$secs < ${best[$side]}" | bc)" = 1 ]; then best[$side]=$secs; fi
    if [ "$confirmed" -ne "$N" ]; then
      echo "power: $side confirmed only $confirmed/$N (answered $answered, power-downs $downs_ok)"
      [ "$side" = ipmitool ] || head -5 "$VQ_TMP/vq.err"
    fi
  done
done
echo "best: vaquero ${best[vaquero]} s, ipmitool ${best[ipmitool]} s," \
  "ratio $(echo "scale=1; ${best[ipmitool]} / ${best[vaquero]}" | bc)x (goal >= 5x)"
