#!/usr/bin/env bash
# Real firmware against Vaquero's own DHCP and TFTP services, run by their test drivers
# (vq-dhcp-testd, vq-tftp-testd), with the reference python server for HTTP -- the boot path
# exercised piece by piece until `vaquero standalone` composes it (qemu_vaquero_*_test).
# BIOS and UEFI with full DHCP, UEFI with proxyDHCP next to an address-only dnsmasq (EDK2's
# port-4011 exchange), UEFI through a relay (TFTP across the router).
source "$(dirname "$0")/../lab/lib.sh"
lab_require dhcrelay
lab_services_built || vq_skip "vq-dhcp-testd or vq-tftp-testd not built in $LAB_BUILD"
lab_prepare_files "$VQ_TMP/files"

passes=0
fails=0
boot() {  # boot NAME FW HOST
  local mac ip ok=1 s=$VQ_TMP/$1.serial d=$VQ_TMP/vq-dhcp.log t=$VQ_TMP/vq-tftp.log h=$VQ_TMP/ref-http.log
  mac=$(lab_host "$3" mac)
  ip=$(lab_host "$3" ip)
  lab_qemu "$1" "$2" "$mac" "$LAB_TAP_NS"
  lab_marker_ok "$1" "$3" || { echo "FAIL $1: no ok marker" >&2; ok=0; }
  lab_config_ok "$1" "$3" || { echo "FAIL $1: config not seen by the guest" >&2; ok=0; }
  grep -aq "GET /checkpoint/$mac" "$h" || { echo "FAIL $1: no checkpoint" >&2; ok=0; }
  grep -aqi "EVENT DHCP_[A-Z_]*ACK mac=$mac" "$d" || { echo "FAIL $1: no DHCP ack event from Vaquero" >&2; ok=0; }
  if [ "$2" = uefi ]; then
    grep -aqi "TFTP_DONE.*ipxe.efi" "$t" || { echo "FAIL $1: no TFTP transfer of ipxe.efi" >&2; ok=0; }
  fi
  lab_timeline "$3 ($1, Vaquero DHCP + TFTP services, python HTTP)" \
    "DHCP (firmware)|$d|DHCP_[A-Z_]*ACK mac=$mac" \
    "TFTP iPXE binary|$t|TFTP_DONE" \
    "iPXE script|$h|GET /ipxe/${mac//:/-}" \
    "kernel|$h|GET /files/vmlinuz" \
    "initrd|$h|GET /files/initrd.gz" \
    "Linux started|$s|Linux version" \
    "config fetched|$h|GET /config/$mac" \
    "checkpoint|$h|GET /checkpoint/$mac" \
    "marker|$s|VQ-LAB-MARKER"
  if [ $ok -eq 1 ]; then
    echo "PASS $1 ($(lab_at "$s" VQ-LAB-MARKER) s power-on -> marker)"
    passes=$((passes + 1))
  else
    lab_show_failure "$1"
    echo "---- DHCP / TFTP service logs" >&2
    tail -n 15 "$d" "$t" | cut -c1-200 >&2
    fails=$((fails + 1))
  fi
}

ns=$(vq_netns_name sf)
lab_net_flat "$ns"
lab_services_start "$ns" server
boot bios-full bios lab-bios
boot uefi-full uefi lab-uefi
lab_stop_all

ns=$(vq_netns_name sp)
lab_net_proxy "$ns" "$(vq_netns_name sd)"
lab_services_start "$ns" proxy
boot uefi-proxy uefi lab-uefi
lab_stop_all

ns=$(vq_netns_name sr)
lab_net_relay "$ns" "$(vq_netns_name st)"
lab_services_start "$ns" server
boot uefi-relay uefi lab-uefi-relay

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
