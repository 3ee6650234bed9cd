#!/usr/bin/env bash
# GET /metrics on the agent's HTTP port and on the User API of `vaquero standalone`, after
# real traffic in a namespace: a udhcpc lease (DISCOVER/OFFER/REQUEST/ACK), an unknown MAC
# (dropped), a tftp-hpa download, boot-path requests and a 404. promtool accepts both
# scrapes, the counters say what happened, and no label carries a MAC or an address.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
vq_require_root
vq_require_tools ip busybox tftp curl promtool
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
dhcp_topology
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

# Traffic.
ip -n "$CLI" link set c0 address "$mac"
OUT=$VQ_TMP/lease timeout 20 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 5 -T 1 \
  -s "$VQ_TMP/udhcpc.sh" || true
grep -qx ip=10.99.0.11 "$VQ_TMP/lease" || { cat "$VQ_TMP/vaquero.log"; vq_fail "no lease"; }
ip -n "$CLI" addr add 10.99.0.11/24 dev c0
ip -n "$CLI" link set c0 address 02:99:00:00:00:99
OUT=$VQ_TMP/none timeout 10 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 2 -T 1 \
  -s "$VQ_TMP/udhcpc.sh" || true
[ ! -s "$VQ_TMP/none" ] || vq_fail "an unknown MAC got a lease"
(cd "$VQ_TMP" && timeout 20 ip netns exec "$CLI" tftp 10.99.0.1 -m binary -c get undionly.kpxe got.kpxe)
cmp -s "$VQ_TMP/got.kpxe" "$VQ_TMP/tftp/undionly.kpxe" || vq_fail "tftp download differs"
for _ in 1 2 3; do ip netns exec "$CLI" curl -sf "$agent/ipxe?mac=$mac" -o /dev/null || vq_fail "/ipxe"; done
[ "$(ip netns exec "$CLI" curl -s -o /dev/null -w '%{http_code}' "$agent/no-such-thing")" = 404 ] ||
  vq_fail "expected a 404"

# The agent's scrape.
vq_wait_for 10 sh -c "ip netns exec $SRV curl -sf $agent/metrics | grep -q 'vaquero_tftp_transfers_total{result=\"completed\"} 1'" ||
  vq_fail "the TFTP transfer is not counted"
in_srv curl -sf "$agent/metrics" > "$VQ_TMP/agent.prom"
promtool check metrics < "$VQ_TMP/agent.prom" || vq_fail "promtool refuses the agent's metrics"
has() {  # has <file> <regex>
  grep -Eq "$2" "$1" || { cat "$1"; vq_fail "$1 lacks /$2/"; }
}
has "$VQ_TMP/agent.prom" '^vaquero_dhcp_requests_total\{type="DISCOVER"\} [1-9]'
has "$VQ_TMP/agent.prom" '^vaquero_dhcp_requests_total\{type="REQUEST"\} [1-9]'
has "$VQ_TMP/agent.prom" '^vaquero_dhcp_replies_total\{type="OFFER"\} [1-9]'
has "$VQ_TMP/agent.prom" '^vaquero_dhcp_replies_total\{type="ACK"\} [1-9]'
has "$VQ_TMP/agent.prom" '^vaquero_dhcp_drops_total\{reason="unknown_mac"\} [1-9]'
has "$VQ_TMP/agent.prom" '^vaquero_tftp_transfer_duration_seconds_count 1$'
has "$VQ_TMP/agent.prom" '^vaquero_tftp_sent_bytes_total 300000$'
has "$VQ_TMP/agent.prom" '^vaquero_http_requests_total\{route="/ipxe",code="200"\} 3$'
has "$VQ_TMP/agent.prom" '^vaquero_http_requests_total\{route="other",code="404"\} 1$'
has "$VQ_TMP/agent.prom" '^vaquero_http_request_duration_seconds_count\{route="/ipxe"\} 3$'
has "$VQ_TMP/agent.prom" '^vaquero_agent_revision\{site="lab"\} 1$'
has "$VQ_TMP/agent.prom" '^vaquero_build_info\{version="[^"]+"\} 1$'

# The server's scrape (User API).
in_srv curl -sf "$user/metrics" > "$VQ_TMP/server.prom"
promtool check metrics < "$VQ_TMP/server.prom" || vq_fail "promtool refuses the server's metrics"
has "$VQ_TMP/server.prom" '^vaquero_hosts\{site="lab",workflow="install",state="provisioned"\} 1$'
has "$VQ_TMP/server.prom" '^vaquero_revision 1$'
has "$VQ_TMP/server.prom" '^vaquero_events_reported_total [1-9]'

# Bounded cardinality: no MAC, no address, no host name in any label value.
if grep -Eh '\{[^}]*("([0-9a-f]{2}[:-]){5}[0-9a-f]{2}"|"10\.99\.|"node1")' \
  "$VQ_TMP/agent.prom" "$VQ_TMP/server.prom"; then
  vq_fail "a label carries a MAC, an address or a host name"
fi
vq_log "PASS: $(grep -vc '^#' "$VQ_TMP/agent.prom") agent samples, $(grep -vc '^#' "$VQ_TMP/server.prom") server samples, promtool clean"
