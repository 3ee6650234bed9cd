#!/usr/bin/env bash
# Proxy mode next to dnsmasq, which hands out addresses only (--port=0, static hosts):
# a PXE client gets dnsmasq's address offer and the agent's boot-only offer (option 60
# PXEClient, 43, 97 echoed, no address); UEFI firmware is answered on 4011 at the port it
# asked from (EDK2 4011, iPXE 68); a non-PXE client gets nothing from the agent.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
dhcp_require dnsmasq python3
dhcp_bridge_topology
MAC=02:99:00:00:00:21

ip netns exec "$OTH" dnsmasq --port=0 --no-daemon --bind-interfaces --interface=o0 \
  --dhcp-range=10.99.0.0,static --dhcp-host=$MAC,10.99.0.21 --no-ping --log-dhcp \
  --pid-file="$VQ_TMP/dnsmasq.pid" --dhcp-leasefile="$VQ_TMP/dnsmasq.leases" \
  >"$VQ_TMP/dnsmasq.log" 2>&1 &
VQ_PIDS+=($!)

cat >"$VQ_TMP/fixture.yaml" <<EOF2
interfaces: [br0]
mode: proxy
http_port: 8080
subnets: {lab: {cidr: 10.99.0.0/24}}
hosts: [{mac: "$MAC", ip: 10.99.0.21, subnet: lab, hostname: p1}]
EOF2
dhcp_start_testd "$VQ_TMP/fixture.yaml"
sleep 0.5

# 1. iPXE (BIOS) DISCOVER: two offers.
pxe_client --mac $MAC --arch 0 --ipxe --broadcast --wait 2 >"$VQ_TMP/offers"
cat "$VQ_TMP/offers" >&2
proxy=$(grep '"from": "10.99.0.1:67"' "$VQ_TMP/offers" | sed -n 1p)
addr=$(grep '"from": "10.99.0.2:67"' "$VQ_TMP/offers" | sed -n 1p)
[ -n "$addr" ] || vq_fail "no address offer from dnsmasq"
[ -n "$proxy" ] || vq_fail "no proxy offer from the agent"
[ "$(json_field "$addr" 'r["yiaddr"]')" = 10.99.0.21 ] || vq_fail "dnsmasq offered another address"
[ "$(json_field "$proxy" 'r["yiaddr"]')" = 0.0.0.0 ] || vq_fail "proxy offer carries an address"
[ "$(json_field "$proxy" 'bytes.fromhex(r["options"]["60"]).decode()')" = PXEClient ] || vq_fail "option 60"
[ "$(json_field "$proxy" 'r["options"]["43"]')" = 060108 ] || vq_fail "option 43"
[ "$(json_field "$proxy" 'r["options"]["97"]')" = "0000000000000000000000$(echo $MAC | tr -d :)" ] || vq_fail "option 97 not echoed"
[ "$(json_field "$proxy" 'r["file"]')" = "http://10.99.0.1:8080/boot.ipxe" ] || vq_fail "boot file"
[ "$(json_field "$proxy" 'r["siaddr"]')" = 10.99.0.1 ] || vq_fail "siaddr"
vq_log "proxy offer next to dnsmasq: ok"

# 2. EDK2-style UEFI: the offer has no option 43, the 4011 REQUEST is ACKed to its port.
pxe_client --mac $MAC --arch 7 --broadcast --wait 2 >"$VQ_TMP/offers2"
proxy=$(grep '"from": "10.99.0.1:67"' "$VQ_TMP/offers2" | sed -n 1p)
[ -n "$proxy" ] || vq_fail "no UEFI proxy offer"
[ "$(json_field "$proxy" '"43" in r["options"]')" = False ] || vq_fail "UEFI offer must not skip discovery"
ip -n "$CLI" addr add 10.99.0.21/24 dev c0
for port in 4011 68; do
  pxe_client --mac $MAC --arch 7 --ciaddr 10.99.0.21 --request-to 10.99.0.1 --src-port $port \
    --wait 2 >"$VQ_TMP/ack$port"
  ack=$(head -1 "$VQ_TMP/ack$port")
  [ -n "$ack" ] || vq_fail "no 4011 ACK at client port $port"
  [ "$(json_field "$ack" 'r["type"]')" = 5 ] || vq_fail "not an ACK"
  [ "$(json_field "$ack" 'r["file"]')" = ipxe.efi ] || vq_fail "UEFI boot file"
done
vq_log "4011 boot server (EDK2 port 4011, iPXE port 68): ok"

# 3. Unknown MAC: only dnsmasq could answer (it does not know it either).
pxe_client --mac 02:99:00:00:00:99 --arch 0 --broadcast --wait 1.5 >"$VQ_TMP/offers3"
! grep -q '"from": "10.99.0.1' "$VQ_TMP/offers3" || vq_fail "agent answered an unknown MAC"
vq_log "unknown MAC in proxy mode: no reply"
grep -q 'DHCP_ROGUE_SERVER' "$VQ_TMP/testd.err" && vq_fail "an address-only server is not rogue in proxy mode"
echo "PASS dhcp_proxy"
