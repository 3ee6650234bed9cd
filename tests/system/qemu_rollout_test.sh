#!/usr/bin/env bash
# A rollout through IPMI in the QEMU lab (tests/lab/rollout.sh): three machines behind
# ipmi_sim BMCs whose power-on starts their QEMU (one master BIOS; workers BIOS and UEFI, the
# UEFI one with bmc.boot_type: efi), provisioned on Vaquero's first revision. The test adds a
# kernel argument to the OS all three boot, prints `vaquero plan` of the edit, copies it into
# the served SoT and waits: Vaquero's state engine must reprovision every machine through its
# BMC (one-time PXE + power cycle, PXE boot through Vaquero, checkpoint, provisioned) in the
# plan's order. Asserted by tests/lab/rollout.py --check: every host provisioned on the new
# revision (GET /hosts); the master provisioned before any worker began rebooting; the waves
# `vaquero plan` printed are the engine's; each BMC saw `set boot pxe` then a power-on that
# used it; the new kernel argument on each machine's booted command line; each ok marker.
# Before that, the BMC model is checked through Vaquero's driver and ipmitool (power on starts
# QEMU, power off kills its PID); after it, each BMC reads off once its guest powered off.
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
source "$(dirname "$0")/../lab/rollout.sh"
lab_require ipmi_sim ipmitool
lab_vq_require
vq_require_tools curl
trap 'lab_rollout_stop; vq_cleanup' EXIT

ns=$(vq_netns_name ro)
lab_prepare_files "$VQ_TMP/files"
lab_rollout_start "$ns" "$VQ_TMP/files"
# The first revision: every machine provisioned, nothing to do.
lab_rollout_user /hosts "$VQ_TMP/hosts.json" || vq_fail "GET /hosts"
[ "$(grep -o '"phase":"provisioned"' "$VQ_TMP/hosts.json" | wc -l)" = 3 ] ||
  vq_fail "revision 1: expected 3 provisioned hosts: $(cat "$VQ_TMP/hosts.json")"

# The BMC model itself, through Vaquero's driver and ipmitool: power on starts the machine's
# QEMU (its PID recorded), power off kills that PID, the power state follows the process.
bmc=$VQ_TMP/bmc-lab-worker-1/state
ipmi_w1() {
  ip netns exec "$ns" ipmitool -I lanplus -C 3 -H 10.99.9.32 -U "$LAB_ROLLOUT_BMC_USER" \
    -P "$LAB_ROLLOUT_BMC_PASS" "$@"
}
lab_rollout_power "$ns" lab-worker-1 on >/dev/null || vq_fail "power on through the BMC"
qpid=$(cat "$bmc/qemu.pid")
grep -q qemu "/proc/$qpid/cmdline" 2>/dev/null || vq_fail "power on: no QEMU at PID $qpid"
ipmi_w1 chassis power status | vq_matches "is on" || vq_fail "ipmitool: the chassis is not on"
lab_rollout_power "$ns" lab-worker-1 off >/dev/null || vq_fail "power off through the BMC"
gone() { ! kill -0 "$1" 2>/dev/null; }
vq_wait_for 5 gone "$qpid" || vq_fail "power off: QEMU (PID $qpid) still runs"
lab_rollout_power "$ns" lab-worker-1 status | vq_matches "power is off" || vq_fail "status after off"
ipmi_w1 chassis power status | vq_matches "is off" || vq_fail "ipmitool: the chassis is not off"

lab_rollout_edit
grep -q 'lab-master' "$VQ_TMP/plan.txt" && grep -q 'lab-worker-2' "$VQ_TMP/plan.txt" ||
  vq_fail "the plan does not name the machines"
ok=1
lab_rollout_apply 300 || { echo "FAIL: not every machine provisioned on the new revision" >&2; ok=0; }
lab_rollout_report --check || ok=0
# Each guest powers itself off after its checkpoint: its BMC reads off again.
reads_off() { lab_rollout_power "$ns" "$1" status | vq_matches 'power is off'; }
for h in lab-master lab-worker-1 lab-worker-2; do
  vq_wait_for 20 reads_off "$h" || { echo "FAIL: $h's BMC does not read off" >&2; ok=0; }
done
# Secrets: the BMC password appears in no output of the whole scenario: logs, plan, preview,
# every User API answer (hosts, transitions, plan, metrics) and the agent's events.
scan=$VQ_TMP/scan
mkdir -p "$scan"
for path in /hosts /plan /metrics; do lab_rollout_user "$path" "$scan/user${path//\//_}" || true; done
for h in "${LAB_ROLLOUT[@]}"; do
  read -r name _ mac _ <<<"$h"
  lab_rollout_user "/hosts/lab/$name" "$scan/transitions-$name" || true
  ip netns exec "$ns" curl -s -m 5 "http://$LAB_SRV:24602/events/$mac" >"$scan/events-$name" || true
  "$VAQUERO_BIN" preview --sot "$LAB_ROLLOUT_SOT" --mac "$mac" --ipxe >"$scan/ipxe-$name" 2>&1 || true
  "$VAQUERO_BIN" preview --sot "$LAB_ROLLOUT_SOT" --mac "$mac" >"$scan/config-$name" 2>&1 || true
done
ip netns exec "$ns" curl -s -m 5 "http://$LAB_SRV:24602/events" >"$scan/events" || true
ip netns exec "$ns" curl -s -m 5 "http://$LAB_SRV:24602/metrics" >"$scan/agent-metrics" || true
[ -s "$scan/user_hosts" ] && [ -s "$scan/events" ] || { echo "FAIL: secret scan: empty answers" >&2; ok=0; }
if grep -rlF "$LAB_ROLLOUT_BMC_PASS" "$scan" "$VQ_TMP"/*.log "$VQ_TMP"/plan*.txt 2>/dev/null; then
  echo "FAIL: the BMC password appears in the files above" >&2
  ok=0
fi
if [ $ok -eq 0 ]; then
  for h in lab-master lab-worker-1 lab-worker-2; do
    lab_show_failure "$h"
    echo "---- BMC calls of $h" >&2
    cat "$VQ_TMP/bmc-$h/state/calls.log" >&2 2>/dev/null || true
  done
  echo "---- vaquero log (engine)" >&2
  grep -E 'HOST_|PLAN|ERROR|WARN' "$VQ_TMP/vaquero.log" | cut -c1-240 >&2 || true
  exit 1
fi
echo "PASS"
