#!/usr/bin/env bash
# Relay: a client on 10.99.1.0/24 reaches the agent on 10.99.2.0/24 through ISC dhcrelay
# (adding option 82) in a router namespace; the agent matches the subnet by giaddr,
# answers the relay by unicast on :67 and the client gets its inventory address.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
dhcp_require busybox dhcrelay
SRV=$(vq_netns_name ds); RTR=$(vq_netns_name dr); CLI=$(vq_netns_name dc)
vq_netns_add "$SRV"; vq_netns_add "$RTR"; vq_netns_add "$CLI"
ip -n "$SRV" link add s0 type veth peer name r0 netns "$RTR"
ip -n "$RTR" link add r1 type veth peer name c0 netns "$CLI"
ip -n "$SRV" addr add 10.99.2.1/24 dev s0
ip -n "$RTR" addr add 10.99.2.2/24 dev r0
ip -n "$RTR" addr add 10.99.1.1/24 dev r1
for l in "$SRV s0" "$RTR r0" "$RTR r1" "$CLI c0"; do set -- $l; ip -n "$1" link set "$2" up; done
ip -n "$SRV" route add 10.99.1.0/24 via 10.99.2.2
ip netns exec "$RTR" sysctl -qw net.ipv4.ip_forward=1
MAC=02:99:00:00:01:21

cat >"$VQ_TMP/fixture.yaml" <<EOF2
interfaces: [s0]
mode: server
http_port: 8080
subnets:
  remote: {cidr: 10.99.1.0/24, gateway: 10.99.1.1, dns: [10.99.2.53]}
hosts: [{mac: "$MAC", ip: 10.99.1.21, subnet: remote, hostname: far1}]
EOF2
dhcp_start_testd "$VQ_TMP/fixture.yaml" --dump-dir "$VQ_TMP"

ip netns exec "$RTR" dhcrelay -d -4 -a -iu r0 -id r1 -pf "$VQ_TMP/dhcrelay.pid" 10.99.2.1 \
  >"$VQ_TMP/dhcrelay.log" 2>&1 &
VQ_PIDS+=($!)
sleep 1

dhcp_udhcpc_script
ip -n "$CLI" link set c0 address $MAC
OUT="$VQ_TMP/u1" timeout 30 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 5 -T 2 \
  -s "$VQ_TMP/udhcpc.sh" -O hostname || true
[ -s "$VQ_TMP/u1" ] || { cat "$VQ_TMP/dhcrelay.log" "$VQ_TMP/testd.err"; vq_fail "no lease through the relay"; }
for l in ip=10.99.1.21 subnet=255.255.255.0 router=10.99.1.1 dns=10.99.2.53 hostname=far1 \
         serverid=10.99.2.1; do
  expect_line "$VQ_TMP/u1" "$l"
done
# The request reached the agent relayed (giaddr set) and with option 82.
python3 - "$VQ_TMP" <<'EOP' || vq_fail "the agent did not see a relayed request with option 82"
import glob, sys
for f in glob.glob(sys.argv[1] + "/*.hex"):
    b = bytes.fromhex(open(f).read().replace("\n", ""))
    if b[24:28] == bytes([10, 99, 1, 1]) and b"\x52" in b[240:]:
        sys.exit(0)
sys.exit(1)
EOP
grep -q 'EVENT DHCP_ACK mac=02:99:00:00:01:21' "$VQ_TMP/testd.out" || vq_fail "no ACK event"
echo "PASS dhcp_relay"
