#!/usr/bin/env bash
# Full mode: busybox udhcpc and ISC dhclient receive exactly the inventory address and the
# subnet's options; an unknown MAC receives nothing; every case is visible in the events.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dhcp/common.sh"
dhcp_require busybox dhclient
dhcp_topology

cat >"$VQ_TMP/fixture.yaml" <<EOF2
interfaces: [s0]
mode: server
lease_seconds: 600
http_port: 8080
subnets:
  lab:
    cidr: 10.99.0.0/24
    gateway: 10.99.0.254
    dns: [10.99.0.53, 10.99.0.54]
    ntp: [10.99.0.123]
    domain: lab.example
    dhcp_options: [{option: 28, type: addresses, value: "10.99.0.255"}]
hosts:
  - {mac: "02:99:00:00:00:01", ip: 10.99.0.11, subnet: lab, hostname: node1}
  - {mac: "02:99:00:00:00:02", ip: 10.99.0.12, subnet: lab, hostname: node2}
  - {mac: "02:99:00:00:00:03", ip: 10.99.0.13, subnet: lab, ignore: true}
EOF2
dhcp_start_testd "$VQ_TMP/fixture.yaml" --dump-dir "$VQ_TMP"
dhcp_udhcpc_script

run_udhcpc() {  # run_udhcpc <mac> <out> [udhcpc flags]
  local mac=$1 out=$2; shift 2
  ip -n "$CLI" link set c0 address "$mac"
  OUT=$out timeout 20 ip netns exec "$CLI" busybox udhcpc -i c0 -n -q -f -t 3 -T 1 \
    -s "$VQ_TMP/udhcpc.sh" -O ntpsrv -O broadcast -O domain -O hostname "$@" || true
}

# 1. udhcpc, unicast reply (no broadcast flag: the agent installs a neighbour entry).
run_udhcpc 02:99:00:00:00:01 "$VQ_TMP/u1"
[ -s "$VQ_TMP/u1" ] || vq_fail "udhcpc got no lease"
for l in ip=10.99.0.11 subnet=255.255.255.0 router=10.99.0.254 "dns=10.99.0.53 10.99.0.54" \
         hostname=node1 domain=lab.example ntpsrv=10.99.0.123 lease=600 serverid=10.99.0.1 \
         broadcast=10.99.0.255; do
  expect_line "$VQ_TMP/u1" "$l"
done
! grep -q '^boot_file=.' "$VQ_TMP/u1" || vq_fail "a plain OS client must not get a boot file"
vq_log "udhcpc (unicast): ok"

# 2. udhcpc asking for broadcast replies.
run_udhcpc 02:99:00:00:00:02 "$VQ_TMP/u2" -B
expect_line "$VQ_TMP/u2" ip=10.99.0.12
expect_line "$VQ_TMP/u2" hostname=node2
vq_log "udhcpc (broadcast): ok"

# 3. dhclient.
ip -n "$CLI" link set c0 address 02:99:00:00:00:01
ip -n "$CLI" addr flush dev c0
cat >"$VQ_TMP/dhclient.sh" <<EOS
#!/bin/sh
case "\$reason" in BOUND|REBOOT) env | grep '^new_' | sort >"$VQ_TMP/d1";; esac
exit 0
EOS
chmod +x "$VQ_TMP/dhclient.sh"
cat >"$VQ_TMP/dhclient.conf" <<EOS
timeout 15;
request subnet-mask, routers, domain-name-servers, host-name, domain-name, ntp-servers,
        broadcast-address;
EOS
timeout 30 ip netns exec "$CLI" dhclient -1 -cf "$VQ_TMP/dhclient.conf" -sf "$VQ_TMP/dhclient.sh" \
  -lf "$VQ_TMP/dhclient.leases" -pf "$VQ_TMP/dhclient.pid" c0 || true
[ -f "$VQ_TMP/dhclient.pid" ] && kill "$(cat "$VQ_TMP/dhclient.pid")" 2>/dev/null || true
[ -s "$VQ_TMP/d1" ] || vq_fail "dhclient got no lease"
for l in new_ip_address=10.99.0.11 new_subnet_mask=255.255.255.0 new_routers=10.99.0.254 \
         "new_domain_name_servers=10.99.0.53 10.99.0.54" new_host_name=node1 \
         new_domain_name=lab.example new_ntp_servers=10.99.0.123 \
         new_broadcast_address=10.99.0.255 new_dhcp_lease_time=600 \
         new_dhcp_server_identifier=10.99.0.1; do
  expect_line "$VQ_TMP/d1" "$l"
done
vq_log "dhclient: ok"

# 4. Unknown MAC and ignore_dhcp: no reply at all.
for mac in 02:99:00:00:00:99 02:99:00:00:00:03; do
  rm -f "$VQ_TMP/u3"
  run_udhcpc "$mac" "$VQ_TMP/u3"
  [ ! -s "$VQ_TMP/u3" ] || vq_fail "$mac got a lease"
done
vq_log "unknown / ignored MAC: no reply"

grep -q 'EVENT DHCP_ACK mac=02:99:00:00:00:01' "$VQ_TMP/testd.out" || vq_fail "no ACK event"
grep -q 'DHCP_DROP reason=unknown_mac' "$VQ_TMP/testd.err" || vq_fail "unknown MAC not logged"
grep -q 'DHCP_DROP reason=ignore_dhcp' "$VQ_TMP/testd.err" || vq_fail "ignored MAC not logged"
if [ -n "${DHCP_CAPTURE_DIR:-}" ]; then cp "$VQ_TMP"/*.hex "$DHCP_CAPTURE_DIR"/; fi
echo "PASS dhcp_full"
