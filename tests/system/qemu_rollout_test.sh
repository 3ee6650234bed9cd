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
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
source "$(dirname "$0")/../lab/rollout.sh"
lab_require ipmi_sim
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

lab_rollout_edit
grep -q 'lab-master' "$VQ_TMP/plan.txt" && grep -q 'lab-worker-2' "$VQ_TMP/plan.txt" ||
  vq_fail "the plan does not name the machines"
ok=1
lab_rollout_apply 300 || { echo "FAIL: not every machine provisioned on the new revision" >&2; ok=0; }
lab_rollout_report --check || ok=0
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
