#!/usr/bin/env bash
# `make demo`: the main job on the bundled examples, then real boots in the QEMU lab.
#  1. load and validate every data model in examples/ (vagrant-lab's SoT lives in local/);
#  2. (as root) create the lab -- a namespace with a bridge and a tap, nothing routed -- start
#     `vaquero standalone` with examples/lab, PXE-boot a BIOS and a UEFI machine through it and
#     print each host's boot timeline (DHCP -> TFTP -> iPXE script -> kernel/initrd -> config ->
#     checkpoint);
#  3. (as root) the rollout: three machines behind virtual BMCs (ipmi_sim; power-on starts
#     their QEMU), provisioned on the first revision; the SoT gets a new kernel argument,
#     `vaquero plan` prints what will happen, and Vaquero reprovisions them through IPMI,
#     masters before workers; the rollout order and each machine's timeline from the power
#     action to the checkpoint are printed. Everything created is removed at exit.
# Any failure of steps 2-3 (not root, a tool missing, a machine not booting) fails the demo;
# DEMO_LAB=0 leaves steps 2-3 out.
set -euo pipefail
bin=$(realpath "${1:-build/vaquero}")
root=$(cd "$(dirname "$0")/.." && pwd)
for sot in "$root"/examples/*/ "$root"/examples/*/*/; do
  [ -d "$sot/sites" ] || continue
  echo "== vaquero validate --sot ${sot#$root/}"
  "$bin" validate --sot "$sot"
done

[ "${DEMO_LAB:-1}" != 0 ] || exit 0
echo "== the QEMU lab: PXE boots through vaquero standalone (examples/lab)"
# The lab proves the boot path or fails: nothing stands in for Vaquero.
lab_fail() {
  echo "lab: FAILED: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] ||
  lab_fail "network namespaces need root: sudo make demo (DEMO_LAB=0 make demo validates only)"
export VAQUERO_BIN=$bin
source "$root/tests/lab/lib.sh"
source "$root/tests/lab/vaquero.sh"
source "$root/tests/lab/rollout.sh"
trap 'lab_rollout_stop; vq_cleanup' EXIT
vq_skip() { lab_fail "$* (make deps installs the lab's tools)"; }
lab_require curl ipmi_sim
lab_vq_require

lab_prepare_files "$LAB_CACHE/files"
ns=$(vq_netns_name demo)
lab_net_flat "$ns"
lab_vq_sot "$VQ_TMP/sot" server "$LAB_CACHE/files"
lab_vq_start "$ns" "$VQ_TMP/sot"

ok=0
for fw in bios uefi; do
  host=lab-$fw
  echo "-- booting $host ($fw firmware) through vaquero standalone"
  lab_qemu "$fw" "$fw" "$(lab_host "$host" mac)" "$LAB_TAP_NS"
  lab_vq_timeline "$fw" "$host" "$ns"
  if lab_marker_ok "$fw" "$host"; then
    echo "   $(grep -a -m1 -o 'VQ-LAB-CONFIG.*' "$VQ_TMP/$fw.serial")"
    echo "   $(grep -a -m1 -o 'VQ-LAB-MARKER.*' "$VQ_TMP/$fw.serial")"
    ok=$((ok + 1))
  else
    lab_show_failure "$fw"
  fi
done
echo "lab: $ok of 2 machines booted through vaquero standalone"
[ $ok -eq 2 ] || lab_fail "$((2 - ok)) machine(s) did not boot (logs above)"

echo "== the rollout: three machines reprovisioned through IPMI (masters, then workers)"
lab_stop_all
ns=$(vq_netns_name demo)
lab_rollout_start "$ns" "$LAB_CACHE/files"
echo "-- revision 1 serves lab-master (masters; BIOS), lab-worker-1 (workers; BIOS) and"
echo "   lab-worker-2 (workers; UEFI), all provisioned; the edit adds $LAB_ROLLOUT_ARG to the OS"
lab_rollout_edit
echo "-- the edit is copied into the served SoT; Vaquero's state engine takes it from there"
lab_rollout_apply 300 || lab_fail "not every machine was provisioned on the new revision"
lab_rollout_report --check || lab_fail "the rollout did not go as planned (above)"
echo "lab: the rollout reprovisioned 3 machines through IPMI in the planned order"
