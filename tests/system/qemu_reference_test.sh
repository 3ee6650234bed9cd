#!/usr/bin/env bash
# The lab itself, proven without Vaquero: BIOS (SeaBIOS + iPXE ROM) and UEFI (OVMF, EDK2's own
# PXE client -> TFTP ipxe.efi) guests boot the lab initramfs through the reference stack
# (dnsmasq DHCP+TFTP + python http.server), fetch their config, call the checkpoint and power
# off. If this fails, the lab is broken, not Vaquero.
source "$(dirname "$0")/../lab/lib.sh"
lab_require

lab_prepare_files "$VQ_TMP/files"
ns=$(vq_netns_name ref)
lab_net_flat "$ns"
lab_ref_start "$ns" "$VQ_TMP/files"

fails=0
boot() {  # boot NAME FW HOST
  local mac ip
  mac=$(lab_host "$3" mac)
  ip=$(lab_host "$3" ip)
  lab_qemu "$1" "$2" "$mac" "$LAB_TAP_NS"
  local ok=1
  lab_marker_ok "$1" "$3" || { echo "FAIL $1: no ok marker" >&2; ok=0; }
  lab_config_ok "$1" "$3" || { echo "FAIL $1: rendered config not seen by the guest" >&2; ok=0; }
  grep -aq "GET /checkpoint/$mac" "$VQ_TMP/ref-http.log" || { echo "FAIL $1: no checkpoint" >&2; ok=0; }
  if [ "$2" = uefi ]; then
    grep -aq "sent .*ipxe.efi to $ip" "$VQ_TMP/ref-dnsmasq.log" || { echo "FAIL $1: no TFTP" >&2; ok=0; }
  fi
  lab_ref_timeline "$1" "$3"
  if [ $ok -eq 1 ]; then
    echo "PASS $1 ($(lab_at "$VQ_TMP/$1.serial" VQ-LAB-MARKER) s power-on -> marker)"
  else
    lab_show_failure "$1"
    fails=$((fails + 1))
  fi
}
boot bios bios lab-bios
boot uefi uefi lab-uefi
echo "$((2 - fails)) passed, $fails failed"
[ $fails -eq 0 ]
