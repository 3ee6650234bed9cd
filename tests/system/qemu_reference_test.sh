#!/usr/bin/env bash
# The lab itself, proven without Vaquero: guests boot the lab initramfs through the reference
# stack (dnsmasq DHCP+TFTP + python http.server), fetch their config, call the checkpoint and
# power off. BIOS (SeaBIOS + iPXE ROM) and UEFI (OVMF, EDK2's own PXE client -> TFTP ipxe.efi)
# with full DHCP, UEFI with proxyDHCP next to an address-only server, BIOS through a relay.
# If this fails, the lab is broken, not Vaquero.
source "$(dirname "$0")/../lab/lib.sh"
lab_require dhcrelay
lab_prepare_files "$VQ_TMP/files"

fails=0
passes=0
boot() {  # boot NAME FW HOST
  local mac ip ok=1
  mac=$(lab_host "$3" mac)
  ip=$(lab_host "$3" ip)
  lab_qemu "$1" "$2" "$mac" "$LAB_TAP_NS"
  lab_marker_ok "$1" "$3" || { echo "FAIL $1: no ok marker" >&2; ok=0; }
  lab_config_ok "$1" "$3" || { echo "FAIL $1: rendered config not seen by the guest" >&2; ok=0; }
  grep -aq "GET /checkpoint/$mac" "$VQ_TMP/ref-http.log" || { echo "FAIL $1: no checkpoint" >&2; ok=0; }
  if [ "$2" = uefi ]; then
    grep -aq "sent .*ipxe.efi to $ip" "$VQ_TMP/ref-dnsmasq.log" || { echo "FAIL $1: no TFTP" >&2; ok=0; }
  fi
  lab_ref_timeline "$1" "$3"
  if [ $ok -eq 1 ]; then
    echo "PASS $1 ($(lab_at "$VQ_TMP/$1.serial" VQ-LAB-MARKER) s power-on -> marker)"
    passes=$((passes + 1))
  else
    lab_show_failure "$1"
    fails=$((fails + 1))
  fi
}
# Each mode gets its own namespaces; lab_stop_all tears the previous ones down.
ns=$(vq_netns_name rf)
lab_net_flat "$ns"
lab_ref_start "$ns" "$VQ_TMP/files" full
boot bios-full bios lab-bios
boot uefi-full uefi lab-uefi
lab_stop_all

ns=$(vq_netns_name rp)
lab_net_proxy "$ns" "$(vq_netns_name rd)"
lab_ref_start "$ns" "$VQ_TMP/files" proxy
boot uefi-proxy uefi lab-uefi
lab_stop_all

ns=$(vq_netns_name rr)
lab_net_relay "$ns" "$(vq_netns_name rt)"
lab_ref_start "$ns" "$VQ_TMP/files" relay
boot bios-relay bios lab-bios-relay

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
