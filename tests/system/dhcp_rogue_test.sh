#!/usr/bin/env bash
# Authoritative detector: a dnsmasq "bully" (dhcp-authoritative, a wrong address for one of
# the agent's hosts) on the same segment is named in a warning, counted and recorded on
# the host's timeline.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
dhcp_require busybox dnsmasq
dhcp_bridge_topology
MAC=02:99:00:00:00:31

ip netns exec "$OTH" dnsmasq --port=0 --no-daemon --bind-interfaces --interface=o0 \
  --dhcp-authoritative --dhcp-range=10.99.0.100,10.99.0.150 --dhcp-host=$MAC,10.99.0.166 \
  --no-ping --pid-file="$VQ_TMP/dnsmasq.pid" --dhcp-leasefile="$VQ_TMP/dnsmasq.leases" \
  >"$VQ_TMP/dnsmasq.log" 2>&1 &
VQ_PIDS+=($!)

cat >"$VQ_TMP/fixture.yaml" <<EOF2
interfaces: [br0]
mode: server
subnets: {lab: {cidr: 10.99.0.0/24}}
hosts: [{mac: "$MAC", ip: 10.99.0.31, subnet: lab, host: victim}]
EOF2
dhcp_start_testd "$VQ_TMP/fixture.yaml"
sleep 0.5

dhcp_udhcpc_script
ip -n "$CLI" link set c0 address $MAC
OUT="$VQ_TMP/u1" timeout 20 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 3 -T 1 -B \
  -s "$VQ_TMP/udhcpc.sh" || true
vq_wait_for 5 grep -q 'DHCP_ROGUE_SERVER' "$VQ_TMP/testd.err" || {
  cat "$VQ_TMP/testd.err" "$VQ_TMP/dnsmasq.log"; vq_fail "no rogue-server warning"; }
grep 'DHCP_ROGUE_SERVER' "$VQ_TMP/testd.err" | head -1 >&2
grep -q "DHCP_ROGUE_SERVER iface=br0 server=10.99.0.2 mac=$MAC host=victim" "$VQ_TMP/testd.err" \
  || vq_fail "warning does not name the server and MAC"
grep -q "EVENT DHCP_ROGUE_SERVER mac=$MAC server=10.99.0.2 offered=10.99.0.166 expected=10.99.0.31" \
  "$VQ_TMP/testd.out" || vq_fail "no event on the host's timeline"
kill "$TESTD_PID"; wait "$TESTD_PID" 2>/dev/null || true
grep -Eq 'STATS .*rogue=[1-9]' "$VQ_TMP/testd.out" || vq_fail "rogue counter not incremented"
echo "PASS dhcp_rogue"
