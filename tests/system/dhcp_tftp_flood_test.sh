#!/usr/bin/env bash
# DHCP and TFTP under a flood of truncated, oversized and contradictory datagrams
# (tests/system/dhcp/flood.py, at whatever rate the machine allows, from another port of the
# same switch) while a real client boots from the same `vaquero standalone`: busybox udhcpc gets its lease and tftp-hpa
# its boot file, the process stays up and bounded, the junk is counted in /metrics, and the
# log does not grow with the flood. VQ_FLOOD_HOLD=1 keeps the flood up for the whole of
# VQ_FLOOD_SECONDS (60) and boots the client again and again meanwhile (not in ctest: a minute).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
vq_require_root
vq_require_tools ip busybox tftp curl python3
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# A switch (a bridge in a namespace of its own) with three ports: the server, the real client
# and the flooder. Each gets only the frames addressed to it and the broadcasts, as on a real
# switch: the server's answers to the flooder (TFTP errors, data it never acknowledges) go to
# the flooder's port, not down the client's link, where they filled the client's queue and
# dropped the server's OFFERs and ACKs to it (the server answered every one).
SRV=$(vq_netns_name ds); CLI=$(vq_netns_name dc); FLD=$(vq_netns_name df); LAN=$(vq_netns_name dl)
for n in "$SRV" "$CLI" "$FLD" "$LAN"; do vq_netns_add "$n"; done
ip -n "$LAN" link add br0 type bridge
ip -n "$LAN" link set br0 up
ip -n "$SRV" link add s0 type veth peer name psrv netns "$LAN"
ip -n "$CLI" link add c0 type veth peer name pcli netns "$LAN"
ip -n "$FLD" link add f0 type veth peer name pfld netns "$LAN"
for p in psrv pcli pfld; do ip -n "$LAN" link set "$p" master br0 up; done
ip -n "$SRV" addr add 10.99.0.1/24 dev s0
ip -n "$SRV" link set s0 up
ip -n "$CLI" link set c0 up
ip -n "$FLD" addr add 10.99.0.200/24 dev f0
ip -n "$FLD" link set f0 up
dhcp_udhcpc_script

mac=02:99:00:00:00:01
sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows" "$VQ_TMP/tftp" "$VQ_TMP/files"
head -c 300000 /dev/urandom > "$VQ_TMP/tftp/undionly.kpxe"
cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.1]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.1, port: 8080, base_dir: $VQ_TMP/files}
    tftp_server: {base_dir: $VQ_TMP/tftp}
    dhcp_mode: server
YAML
cat > "$sot/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - type: physical
    subnet: net
    mac: $mac
    ipv4: 10.99.0.11
workflow: install
YAML
printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' > "$sot/os/linux.yml"
printf 'id: install\noperating_system: linux\n' > "$sot/boot/install.yml"
printf 'id: install\nworkflow:\n  - boot: install\n' > "$sot/workflows/install.yml"
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state"
UserApi: {Addr: 127.0.0.1, Port: 24604}
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: "$sot"}
Log: {Level: info, Location: stdout, Type: text}
YAML

ip netns exec "$SRV" "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" \
  > "$VQ_TMP/vaquero.log" 2>&1 &
VQ_PIDS+=($!)
agent=http://10.99.0.1:8080
user=http://127.0.0.1:24604
in_srv() { ip netns exec "$SRV" "$@"; }
vq_wait_for 20 in_srv curl -sf "$agent/metrics" -o /dev/null ||
  { cat "$VQ_TMP/vaquero.log"; vq_fail "standalone did not start"; }
vq_wait_for 10 grep -q 'DHCP_LISTEN\|DHCP_READY\|dhcp' "$VQ_TMP/vaquero.log" || true

# Long enough for three client rounds on a loaded machine; stopped once the client is done.
secs=${VQ_FLOOD_SECONDS:-60}
ip netns exec "$FLD" python3 "$src/tests/system/dhcp/flood.py" 10.99.0.1 "$secs" 10.99.0.200 >"$VQ_TMP/flood.out" &
flood_pid=$!
VQ_PIDS+=("$flood_pid")
flood_start=$(date +%s%N)
sleep 5  # the server's queues full of junk before the client starts

# The real client, during the flood: a lease, then the boot file. Up to three DHCP rounds, as
# firmware retries: under a flood a datagram may be lost either way.
boot_client() {
  ip -n "$CLI" addr flush dev c0
  rm -f "$VQ_TMP/lease" "$VQ_TMP/got.kpxe"
  for _ in 1 2 3; do
    OUT=$VQ_TMP/lease timeout 30 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 10 -T 1 \
      -s "$VQ_TMP/udhcpc.sh" || true
    grep -qx ip=10.99.0.11 "$VQ_TMP/lease" 2>/dev/null && break
  done
  grep -qx ip=10.99.0.11 "$VQ_TMP/lease" 2>/dev/null || { why="no lease during the flood"; return 1; }
  # The leased address, which tftp-hpa then sends from.
  ip -n "$CLI" addr add 10.99.0.11/24 dev c0
  ip -n "$CLI" route add 10.99.0.1/32 dev c0 src 10.99.0.11
  (cd "$VQ_TMP" && timeout 30 ip netns exec "$CLI" tftp 10.99.0.1 -m binary -c get undionly.kpxe got.kpxe)
  cmp -s "$VQ_TMP/got.kpxe" "$VQ_TMP/tftp/undionly.kpxe" || { why="tftp download differs during the flood"; return 1; }
}
ip -n "$CLI" link set c0 address "$mac"
why=
boot_client || {
  tail -20 "$VQ_TMP/vaquero.log"
  ip netns exec "$SRV" curl -sf "$agent/metrics" | grep -E '^vaquero_dhcp_(requests|replies|drops|send_errors)' >&2
  vq_fail "$why"
}
kill -0 "$flood_pid" 2>/dev/null || vq_fail "the flood ended before the client was done"
boots=1
if [ -n "${VQ_FLOOD_HOLD:-}" ]; then
  # The whole flood (VQ_FLOOD_SECONDS), the client booting again and again until it ends.
  failed=0
  while kill -0 "$flood_pid" 2>/dev/null; do
    boots=$((boots + 1))
    boot_client || { failed=$((failed + 1)); vq_log "boot $boots failed: $why"; }
  done
  vq_log "the client booted $boots times during the flood, $failed failed"
  [ "$failed" = 0 ] || vq_fail "$failed of $boots boots failed during the flood"
fi
kill "$flood_pid" 2>/dev/null || true
wait "$flood_pid" 2>/dev/null || true
flood_ms=$((($(date +%s%N) - flood_start) / 1000000))
cat "$VQ_TMP/flood.out" >&2

metrics=$(ip netns exec "$SRV" curl -sf "$agent/metrics") || vq_fail "no /metrics after the flood"
printf '%s\n' "$metrics" | grep -E '^vaquero_(dhcp_(drops|decode_errors|datagrams_received|requests|replies|send_errors)|tftp_transfers)' >&2
decode=$(printf '%s\n' "$metrics" | awk '/^vaquero_dhcp_decode_errors_total/ { print $2 }')
[ "${decode%.*}" -gt 0 ] || vq_fail "DHCP junk not counted"
printf '%s\n' "$metrics" | vq_matches '^vaquero_dhcp_drops_total{reason=' || vq_fail "no DHCP drop reasons"
printf '%s\n' "$metrics" | vq_matches "vaquero_tftp_transfers_total{result=\"completed\"} $boots\$" ||
  vq_fail "the real TFTP transfers ($boots) are not counted"
received=$(printf '%s\n' "$metrics" | awk '/^vaquero_dhcp_datagrams_received_total/ { print $2 }')
vq_log "flood: ${received%.*} DHCP datagrams received in $flood_ms ms while the client booted"
# One line where an accepted transfer starts and one where it ends (the flooder holds at most
# half the transfer table at a time); everything else the flood causes is rate-limited.
lines=$(wc -l <"$VQ_TMP/vaquero.log")
transfer_lines=$(grep -cE 'TFTP_(START|DONE|FAILED)' "$VQ_TMP/vaquero.log" || true)
other=$((lines - transfer_lines))
limit=$((500 + 30 * flood_ms / 1000))
vq_log "log: $lines lines after the flood, $transfer_lines of them transfers' starts and ends"
[ "$other" -lt "$limit" ] || vq_fail "the flood wrote $other log lines besides transfers (limit $limit)"
echo PASS
