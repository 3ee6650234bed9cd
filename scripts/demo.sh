#!/usr/bin/env bash
# `make demo`: the main job on the bundled examples, then real boots in the QEMU lab.
#  1. load and validate every data model in examples/ (vagrant-lab's SoT lives in local/);
#  2. (as root) create the lab -- a namespace with a bridge and a tap, nothing routed -- start
#     `vaquero standalone` with examples/lab, PXE-boot a BIOS and a UEFI machine through it and
#     print each host's boot timeline (DHCP -> TFTP -> iPXE script -> kernel/initrd -> config ->
#     checkpoint); everything created is removed at exit.
# DEMO_LAB=0 skips step 2.
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
if [ "$(id -u)" -ne 0 ]; then
  echo "lab: skipped (network namespaces need root: sudo make demo)"
  exit 0
fi
export VAQUERO_BIN=$bin
source "$root/tests/lab/lib.sh"
source "$root/tests/lab/vaquero.sh"
vq_skip() { echo "lab: skipped ($*)"; exit 0; }
lab_require dhcrelay curl

stack=vaquero
if ! lab_vq_available; then
  stack=reference
  echo "lab: $LAB_VQ_WHY"
  echo "lab: booting through the reference stack (dnsmasq + python http.server) instead"
fi
lab_prepare_files "$LAB_CACHE/files"
ns=$(vq_netns_name demo)
lab_net_flat "$ns"
if [ $stack = vaquero ]; then
  lab_vq_sot "$VQ_TMP/sot" server "$LAB_CACHE/files"
  lab_vq_start "$ns" "$VQ_TMP/sot"
else
  lab_ref_start "$ns" "$LAB_CACHE/files" full
fi

ok=0
for fw in bios uefi; do
  host=lab-$fw
  echo "-- booting $host ($fw firmware) through $stack"
  lab_qemu "$fw" "$fw" "$(lab_host "$host" mac)" "$LAB_TAP_NS"
  if [ $stack = vaquero ]; then lab_vq_timeline "$fw" "$host" "$ns"; else lab_ref_timeline "$fw" "$host"; fi
  if lab_marker_ok "$fw" "$host"; then
    echo "   $(grep -a -m1 -o 'VQ-LAB-CONFIG.*' "$VQ_TMP/$fw.serial")"
    echo "   $(grep -a -m1 -o 'VQ-LAB-MARKER.*' "$VQ_TMP/$fw.serial")"
    ok=$((ok + 1))
  else
    lab_show_failure "$fw"
  fi
done
echo "lab: $ok of 2 machines booted through $stack"
[ $ok -eq 2 ]
