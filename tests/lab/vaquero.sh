# Runs `vaquero standalone` with the lab SoT inside a lab namespace and checks what happened.
# Source after tests/lab/lib.sh.
#   lab_vq_require                 VAQUERO_BIN exists (else skip)
#   lab_vq_sot DIR MODE FILES      copy of examples/lab with dhcp_mode MODE and absolute paths
#   lab_vq_start NS SOTDIR         starts it (stamped log $VQ_TMP/vaquero.log); fails when it
#                                  exits or does not serve /files within 10 s
#   lab_vq_boot NAME FW HOST NS    boots one guest and asserts marker, config, checkpoint, TFTP
#   lab_vq_matrix full|proxy|relay the system tests' body: BIOS and UEFI in one DHCP mode

lab_vq_require() {
  [ -x "${VAQUERO_BIN:-}" ] || vq_skip "vaquero binary not built ($VAQUERO_BIN)"
}

lab_vq_sot() {  # lab_vq_sot DIR MODE FILESDIR
  rm -rf "$1"
  cp -r "$LAB_ROOT/examples/lab" "$1"
  sed -i -e "s|^\(\s*dhcp_mode:\).*|\1 $2|" \
    -e "s|^\(\s*base_dir:\) /var/cache/vaquero-lab/files|\1 $3|" \
    -e "s|^\(\s*base_dir:\) /var/cache/vaquero-lab/pxeroms|\1 $VQ_TMP/pxeroms|" \
    -e "s|^\(\s*save_path:\).*|\1 $VQ_TMP/state|" "$1/sites/lab/env.yml"
  grep -q "dhcp_mode: $2" "$1/sites/lab/env.yml" || vq_fail "could not set dhcp_mode in the lab SoT"
  lab_pxeroms "$VQ_TMP/pxeroms"
  cat >"$VQ_TMP/standalone.yml" <<EOF
---
SavePath: $VQ_TMP/state
LocalDir:
  PollInterval: 1
SoT:
  - Local:
      ID: lab
      Root: $1
Log:
  Level: debug
  Location: stdout
  Type: text
EOF
  mkdir -p "$VQ_TMP/state"
}

lab_vq_http() {  # lab_vq_http NS PATH OUT -> HTTP status on stdout ("000" when unreachable)
  ip netns exec "$1" curl -s -m 5 -o "$3" -w '%{http_code}' "http://$LAB_SRV:$LAB_PORT$2" 2>/dev/null || true
}

lab_vq_start() {  # lab_vq_start NS SOTDIR
  local ns=$1 status
  if ! "$VAQUERO_BIN" validate --sot "$2" >"$VQ_TMP/validate.log" 2>&1; then
    cat "$VQ_TMP/validate.log" >&2
    vq_fail "vaquero validate rejects the lab SoT"
  fi
  vq_bg env VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=lab-agent ip netns exec "$ns" \
    "$VAQUERO_BIN" standalone --config "$VQ_TMP/standalone.yml" > >(lab_stamp "$VQ_TMP/vaquero.log") 2>&1
  LAB_VQ_PID=${VQ_PIDS[-1]}
  local i
  for i in $(seq 1 100); do
    if ! kill -0 "$LAB_VQ_PID" 2>/dev/null; then
      sleep 0.2  # lets the stamper write the last lines
      cat "$VQ_TMP/vaquero.log" >&2
      vq_fail "vaquero standalone exited"
    fi
    status=$(lab_vq_http "$ns" /files/initrd.gz /dev/null)
    [ "$status" = 200 ] && return 0
    sleep 0.1
  done
  tail -n 30 "$VQ_TMP/vaquero.log" >&2
  vq_fail "vaquero standalone does not serve /files/initrd.gz on $LAB_SRV:$LAB_PORT after 10 s"
}

# Prints the agent's per-host events relative to power-on (GET /events/<mac>).
lab_vq_timeline() {  # lab_vq_timeline NAME HOST NS
  local mac status
  mac=$(lab_host "$2" mac)
  status=$(lab_vq_http "$3" "/events/$mac" "$VQ_TMP/$1.events.json")
  echo "  $2 ($1, through Vaquero)"
  if [ "$status" != 200 ]; then
    echo "    (GET /events/$mac answered $status)"
    return 0
  fi
  python3 "$LAB_DIR/timeline.py" "$LAB_T0" "$VQ_TMP/$1.events.json" "$VQ_TMP/$1.serial" \
    "$VQ_TMP/vaquero.log" "$(lab_host "$2" ip)"
}

lab_vq_boot() {  # lab_vq_boot NAME FW HOST NS(of the agent)
  local name=$1 fw=$2 host=$3 ns=$4 mac ip ok=1 status
  mac=$(lab_host "$host" mac)
  ip=$(lab_host "$host" ip)
  lab_qemu "$name" "$fw" "$mac" "$LAB_TAP_NS"
  lab_marker_ok "$name" "$host" || { echo "FAIL $name: no ok marker on the serial console" >&2; ok=0; }
  lab_config_ok "$name" "$host" || { echo "FAIL $name: the guest did not see its config" >&2; ok=0; }
  # The rendered config, read back from the agent.
  status=$(lab_vq_http "$ns" "/config/$mac?boot=lab-boot" "$VQ_TMP/$name.config")
  if [ "$status" != 200 ] || ! grep -qx "VQ_HOST=$host" "$VQ_TMP/$name.config" ||
    ! grep -qx "VQ_IPV4=$ip" "$VQ_TMP/$name.config" || ! grep -q '^VQ_CHECKPOINT=http' "$VQ_TMP/$name.config"; then
    echo "FAIL $name: GET /config/$mac answered $status with:" >&2
    cat "$VQ_TMP/$name.config" >&2 2>/dev/null || true
    ok=0
  fi
  status=$(lab_vq_http "$ns" "/events/$mac" "$VQ_TMP/$name.events.json")
  if [ "$status" != 200 ]; then
    echo "FAIL $name: GET /events/$mac answered $status" >&2
    ok=0
  else
    grep -q 'CHECKPOINT' "$VQ_TMP/$name.events.json" ||
      { echo "FAIL $name: no checkpoint event for $mac" >&2; ok=0; }
    # EDK2's PXE client fetches ipxe.efi by TFTP; the BIOS ROM is iPXE already (no TFTP).
    # TFTP knows only the client's address: look in the host's events, then in all events.
    lab_vq_http "$ns" /events "$VQ_TMP/$name.all-events.json" >/dev/null
    if [ "$fw" = uefi ] && ! grep -q 'TFTP_DONE' "$VQ_TMP/$name.events.json" &&
      ! tr '{' '\n' <"$VQ_TMP/$name.all-events.json" | grep 'TFTP_DONE' | grep -F "$ip" >/dev/null; then
      echo "FAIL $name: no TFTP transfer recorded for $mac/$ip" >&2
      ok=0
    fi
  fi
  lab_vq_timeline "$name" "$host" "$ns"
  if [ $ok -eq 1 ]; then
    echo "PASS $name ($(lab_at "$VQ_TMP/$name.serial" VQ-LAB-MARKER) s power-on -> marker)"
    LAB_PASS=$((LAB_PASS + 1))
  else
    lab_show_failure "$name"
    echo "---- last vaquero log lines" >&2
    tail -n 20 "$VQ_TMP/vaquero.log" | cut -c1-220 >&2
    LAB_FAIL=$((LAB_FAIL + 1))
  fi
}

lab_vq_matrix() {  # lab_vq_matrix full|proxy|relay
  local mode=$1 ns bios=lab-bios uefi=lab-uefi
  lab_require
  lab_vq_require
  [ "$mode" != relay ] || vq_require_tools dhcrelay
  vq_require_tools curl
  ns=$(vq_netns_name vq)
  case $mode in
  full) lab_net_flat "$ns" ;;
  proxy) lab_net_proxy "$ns" "$(vq_netns_name dh)" ;;
  relay)
    lab_net_relay "$ns" "$(vq_netns_name rt)"
    bios=lab-bios-relay
    uefi=lab-uefi-relay
    ;;
  esac
  local dhcp_mode=server
  [ "$mode" != proxy ] || dhcp_mode=proxy
  lab_vq_sot "$VQ_TMP/sot" "$dhcp_mode" "$VQ_TMP/files"
  lab_prepare_files "$VQ_TMP/files"
  lab_vq_start "$ns" "$VQ_TMP/sot"
  LAB_PASS=0
  LAB_FAIL=0
  lab_vq_boot "bios-$mode" bios "$bios" "$ns"
  lab_vq_boot "uefi-$mode" uefi "$uefi" "$ns"
  echo "$LAB_PASS passed, $LAB_FAIL failed"
  [ "$LAB_FAIL" -eq 0 ]
}
