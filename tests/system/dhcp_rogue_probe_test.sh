#!/usr/bin/env bash
# Active rogue probe: a dnsmasq that answers any client (it knows none of the agent's hosts,
# and none of them boots) is found by the agent's own probe DISCOVER alone. Before the
# rogue starts, probes find nothing: the agent never takes its own silence, or itself, for
# a rogue.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
dhcp_require dnsmasq
dhcp_bridge_topology

cat >"$VQ_TMP/fixture.yaml" <<EOF2
interfaces: [br0]
mode: server
rogue_probe_seconds: 1
subnets: {lab: {cidr: 10.99.0.0/24}}
hosts: [{mac: "02:99:00:00:00:41", ip: 10.99.0.41, subnet: lab, host: quiet}]
EOF2
dhcp_start_testd "$VQ_TMP/fixture.yaml"
two_probes() { [ "$(grep -c 'DHCP_PROBE iface=br0' "$VQ_TMP/testd.err")" -ge 2 ]; }
vq_wait_for 10 two_probes || { cat "$VQ_TMP/testd.err"; vq_fail "no probes sent"; }
! grep -q 'DHCP_ROGUE_SERVER' "$VQ_TMP/testd.err" || vq_fail "a rogue reported with no rogue"

ip netns exec "$OTH" dnsmasq --port=0 --no-daemon --bind-interfaces --interface=o0 \
  --dhcp-range=10.99.0.100,10.99.0.150 --no-ping --log-dhcp \
  --pid-file="$VQ_TMP/dnsmasq.pid" --dhcp-leasefile="$VQ_TMP/dnsmasq.leases" \
  >"$VQ_TMP/dnsmasq.log" 2>&1 &
VQ_PIDS+=($!)

vq_wait_for 20 grep -q 'DHCP_ROGUE_SERVER server=10.99.0.2 probe=1 iface=br0' "$VQ_TMP/testd.err" || {
  cat "$VQ_TMP/testd.err" "$VQ_TMP/dnsmasq.log"; vq_fail "the probe did not find the rogue"; }
grep 'DHCP_ROGUE_SERVER' "$VQ_TMP/testd.err" | head -1 >&2
grep -q 'DHCPDISCOVER(o0) 02:76:71:' "$VQ_TMP/dnsmasq.log" \
  || vq_fail "the rogue did not see a probe from the probe MAC prefix"
grep -Eq '^EVENT DHCP_ROGUE_SERVER mac=- server=10.99.0.2 probe=1 offered=10\.99\.0\.1[0-5][0-9] ' \
  "$VQ_TMP/testd.out" || { cat "$VQ_TMP/testd.out"; vq_fail "no site-level event"; }
kill "$TESTD_PID"; wait "$TESTD_PID" 2>/dev/null || true
grep STATS "$VQ_TMP/testd.out" >&2
grep -Eq 'STATS .*rogue=[1-9]' "$VQ_TMP/testd.out" || vq_fail "rogue counter not incremented"
grep -Eq 'STATS .*probes=[2-9]' "$VQ_TMP/testd.out" || vq_fail "probe counter not incremented"
! grep -q 'drop_unknown_mac' "$VQ_TMP/testd.out" || vq_fail "the probe counted as an unknown MAC"
echo "PASS dhcp_rogue_probe"
