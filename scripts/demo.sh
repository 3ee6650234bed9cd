#!/usr/bin/env bash
# `make demo`: the main job on the bundled examples, then real boots in the QEMU lab.
#  1. load and validate every data model in examples/ (vagrant-lab's SoT lives in local/);
#  2. (as root) create the lab -- a namespace with a bridge and a tap, nothing routed -- start
#     `vaquero standalone` with examples/lab, PXE-boot a BIOS and a UEFI machine through it and
#     print each host's boot timeline (DHCP -> TFTP -> iPXE script -> kernel/initrd -> config ->
#     checkpoint); everything created is removed at exit.
# Any failure of step 2 (not root, a tool missing, a machine not booting) fails the demo;
# DEMO_LAB=0 leaves step 2 out.
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
vq_skip() { lab_fail "$* (make deps installs the lab's tools)"; }
lab_require curl
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
