#!/usr/bin/env bash
# Two `vaquero agent`s of one site on one broadcast domain, as a site runs them so that its
# boot services outlive one machine: both serve DHCP (full mode), TFTP and HTTP from the
# server's revision, with no lease state to share (every address is the inventory's).
#   1. A PXE DISCOVER is offered the host's one address by both, each naming itself as the
#      server, and neither agent reports the other as a rogue DHCP server (each overhears the
#      other's replies), while a third server on the segment is reported.
#   2. busybox udhcpc takes a lease; the agent that gave it is killed with -9.
#   3. The client's next DHCP is answered by the other agent, which also serves its boot
#      script, a TFTP download and its checkpoint; the server moves the host one stage.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools curl python3 openssl busybox dnsmasq
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
here=$(cd "$(dirname "$0")" && pwd)
mac=52:54:00:00:07:0a

# The segment: a bridge in the server's namespace (10.99.0.1/24), agents at .5 and .6, the
# machine without an address, and later a foreign DHCP server (dnsmasq) at .7.
srv=$(vq_netns_name os)
a1=$(vq_netns_name o1)
a2=$(vq_netns_name o2)
cli=$(vq_netns_name oc)
for n in "$srv" "$a1" "$a2" "$cli"; do vq_netns_add "$n"; done
ip -n "$srv" link add br0 type bridge
ip -n "$srv" addr add 10.99.0.1/24 dev br0
ip -n "$srv" link set br0 up
i=0
for n in "$a1" "$a2" "$cli"; do
  i=$((i + 1))
  ip -n "$srv" link add "p$i" type veth peer name eth0 netns "$n"
  ip -n "$srv" link set "p$i" master br0 up
  ip -n "$n" link set eth0 up
done
ip -n "$a1" addr add 10.99.0.5/24 dev eth0
ip -n "$a2" addr add 10.99.0.6/24 dev eth0
ip -n "$cli" link set eth0 address "$mac"

sot=$VQ_TMP/sot
vq_two_stage_sot "$sot" "$mac"
mkdir -p "$VQ_TMP/files" "$VQ_TMP/tftp"
head -c 70000 /dev/urandom >"$VQ_TMP/tftp/undionly.kpxe"
cp "$VQ_TMP/tftp/undionly.kpxe" "$VQ_TMP/tftp/ipxe.efi"
cat >"$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.1]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080, base_dir: $VQ_TMP/files}
    tftp_server: {base_dir: $VQ_TMP/tftp}
    dhcp_mode: server
  - name: a2
    asset_server: {addr: 10.99.0.6, port: 8080, base_dir: $VQ_TMP/files}
    tftp_server: {base_dir: $VQ_TMP/tftp}
    dhcp_mode: server
YAML
"$VAQUERO_BIN" validate --sot "$sot" >"$VQ_TMP/validate.log" 2>&1 ||
  { cat "$VQ_TMP/validate.log" >&2; vq_fail "the test SoT does not validate"; }

pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:10.99.0.1
cat >"$VQ_TMP/server.yaml" <<YAML
ServerAPI: {Addr: 10.99.0.1, Port: 24601, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: 24604}
SavePath: $VQ_TMP/server-state
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: $sot}
Log: {Level: info, Location: stdout, Type: text}
YAML
user() { ip netns exec "$srv" curl -s -m 5 "http://127.0.0.1:24604$1"; }
vq_bg env VAQUERO_SERVER_SECRET=one-site-server-secret ip netns exec "$srv" \
  "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml" --shared-secret one-site-shared \
  >"$VQ_TMP/server.log" 2>&1
vq_wait_for 20 user /live || { cat "$VQ_TMP/server.log" >&2; vq_fail "vaquero server did not start"; }

declare -A agent_pid agent_ns agent_addr
agent_ns=([a1]=$a1 [a2]=$a2)
agent_addr=([a1]=10.99.0.5 [a2]=10.99.0.6)
for a in a1 a2; do
  cat >"$VQ_TMP/$a.yaml" <<YAML
ServerClient: {Addr: 10.99.0.1, Port: 24601, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/$a-state
Log: {Level: info, Location: stdout, Type: text}
YAML
  vq_bg env VAQUERO_SHARED_SECRET=one-site-shared VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=$a \
    ip netns exec "${agent_ns[$a]}" "$VAQUERO_BIN" agent --config "$VQ_TMP/$a.yaml" \
    >"$VQ_TMP/$a.log" 2>&1
  agent_pid[$a]=${VQ_PIDS[-1]}
done
serving() {  # agent: its HTTP answers the host's boot script
  ip netns exec "${agent_ns[$1]}" curl -sf -m 2 "http://${agent_addr[$1]}:8080/ipxe?mac=$mac" |
    vq_matches "${agent_addr[$1]}:8080/files/installer/vmlinuz"
}
for a in a1 a2; do
  vq_wait_for 30 serving "$a" || { tail -n 30 "$VQ_TMP/$a.log" >&2; vq_fail "agent $a does not serve"; }
  vq_wait_for 10 grep -q DHCP_LISTEN "$VQ_TMP/$a.log" ||
    { tail -n 30 "$VQ_TMP/$a.log" >&2; vq_fail "agent $a serves no DHCP"; }
done
vq_log "both agents of site lab serve the boot path"

vq_log "1. a DISCOVER is offered the inventory's address by both agents"
ip netns exec "$cli" timeout 10 python3 "$here/dhcp/pxe_client.py" --iface eth0 --mac "$mac" \
  --broadcast --wait 2 >"$VQ_TMP/offers.jsonl" || true
python3 - "$VQ_TMP/offers.jsonl" <<'PY' || vq_fail "not one OFFER of 10.99.0.10 from each agent: $(cat "$VQ_TMP/offers.jsonl")"
import json, sys
offers = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
offers = [o for o in offers if o["type"] == 2]
servers = sorted(o["from"].split(":")[0] for o in offers)
assert servers == ["10.99.0.5", "10.99.0.6"], servers
for o in offers:
    assert o["yiaddr"] == "10.99.0.10", o
    assert o["options"]["54"] == "".join("%02x" % int(x) for x in o["from"].split(":")[0].split(".")), o
PY
# A server on the segment that is no agent of the site (a dnsmasq, as in dhcp_rogue_test),
# answering the same host with another address: each agent reports it, and only it.
fns=$(vq_netns_name of)
vq_netns_add "$fns"
ip -n "$srv" link add p4 type veth peer name eth0 netns "$fns"
ip -n "$srv" link set p4 master br0 up
ip -n "$fns" link set eth0 up
ip -n "$fns" addr add 10.99.0.7/24 dev eth0
vq_bg ip netns exec "$fns" dnsmasq --port=0 --no-daemon --bind-interfaces --interface=eth0 \
  --dhcp-range=10.99.0.100,10.99.0.150 --dhcp-host="$mac,10.99.0.77" --no-ping \
  --pid-file="$VQ_TMP/dnsmasq.pid" --dhcp-leasefile="$VQ_TMP/dnsmasq.leases" \
  >"$VQ_TMP/dnsmasq.log" 2>&1
foreign_pid=${VQ_PIDS[-1]}
vq_wait_for 10 grep -q "DHCP, IP range" "$VQ_TMP/dnsmasq.log" ||
  { cat "$VQ_TMP/dnsmasq.log" >&2; vq_fail "the foreign DHCP server did not start"; }
ip netns exec "$cli" timeout 10 python3 "$here/dhcp/pxe_client.py" --iface eth0 --mac "$mac" \
  --broadcast --wait 2 >"$VQ_TMP/offers2.jsonl" || true
kill "$foreign_pid" 2>/dev/null || true
wait "$foreign_pid" 2>/dev/null || true
for a in a1 a2; do
  vq_wait_for 5 grep -q "DHCP_ROGUE_SERVER.*server=10.99.0.7" "$VQ_TMP/$a.log" ||
    vq_fail "agent $a did not report the foreign server: $(grep DHCP_ "$VQ_TMP/$a.log" | tail -5)"
  ! grep "DHCP_ROGUE_SERVER" "$VQ_TMP/$a.log" | vq_matches -E "server=10\.99\.0\.[56] " ||
    vq_fail "agent $a reports the site's other agent as a rogue: $(grep DHCP_ROGUE "$VQ_TMP/$a.log")"
done
vq_log "each agent reports the foreign server and not the other agent"

vq_log "2. udhcpc takes a lease; the agent that gave it is killed with -9"
cat >"$VQ_TMP/udhcpc.sh" <<'EOS'
#!/bin/sh
[ "$1" = bound ] || exit 0
env | grep -E '^(ip|serverid|siaddr|boot_file)=' | sort >"$OUT"
EOS
chmod +x "$VQ_TMP/udhcpc.sh"
lease() {  # OUT
  rm -f "$1"
  OUT=$1 timeout 30 ip netns exec "$cli" busybox udhcpc -i eth0 -n -q -f -t 4 -T 2 \
    -s "$VQ_TMP/udhcpc.sh" >/dev/null 2>&1 || true
  [ -s "$1" ] && grep -qx ip=10.99.0.10 "$1"
}
lease "$VQ_TMP/lease1" || vq_fail "udhcpc got no lease of 10.99.0.10: $(cat "$VQ_TMP/lease1" 2>/dev/null)"
first=$(sed -n 's/^serverid=//p' "$VQ_TMP/lease1")
case $first in
  10.99.0.5) gone=a1 left=a2 ;;
  10.99.0.6) gone=a2 left=a1 ;;
  *) vq_fail "the lease came from $first, no agent of the site" ;;
esac
kill -9 "${agent_pid[$gone]}"
wait "${agent_pid[$gone]}" 2>/dev/null || true
vq_log "lease from $gone ($first); $gone killed"

vq_log "3. the other agent answers the machine's next boot"
lease "$VQ_TMP/lease2" || vq_fail "no lease after $gone died: $(cat "$VQ_TMP/lease2" 2>/dev/null)"
grep -qx "serverid=${agent_addr[$left]}" "$VQ_TMP/lease2" ||
  vq_fail "the second lease did not come from $left: $(cat "$VQ_TMP/lease2")"
ip -n "$cli" addr add 10.99.0.10/24 dev eth0
ip netns exec "$cli" sh -c "cd '$VQ_TMP' && busybox tftp -g -r undionly.kpxe -l got.kpxe ${agent_addr[$left]}" ||
  vq_fail "TFTP from $left failed"
cmp -s "$VQ_TMP/got.kpxe" "$VQ_TMP/tftp/undionly.kpxe" || vq_fail "TFTP from $left: the file differs"
ip netns exec "$cli" curl -sf -m 5 "http://${agent_addr[$left]}:8080/ipxe?mac=$mac" |
  vq_matches "${agent_addr[$left]}:8080/files/installer/vmlinuz" ||
  vq_fail "$left does not serve the machine's boot script"
code=$(ip netns exec "$cli" curl -s -m 10 -o "$VQ_TMP/cp.out" -w '%{http_code}' \
  "http://${agent_addr[$left]}:8080/checkpoint/$mac?boot=install")
[ "$code" = 200 ] || vq_fail "checkpoint through $left: $code $(cat "$VQ_TMP/cp.out")"
vq_wait_for 10 grep -q "AGENT_CHECKPOINT site=lab agent=$left host=node1" "$VQ_TMP/server.log" ||
  vq_fail "the checkpoint did not reach the server through $left"
user /hosts | python3 -c '
import json, sys
node = [h for h in json.load(sys.stdin)["hosts"] if h["host"] == "node1"]
assert len(node) == 1, node
assert (node[0]["boot"], node[0]["stage"], node[0]["checkpoints"]) == ("disk", 1, 1), node[0]
' || vq_fail "the server did not move node1 one stage, to disk: $(user /hosts)"
next_stage() {
  ip netns exec "$cli" curl -sf -m 5 "http://${agent_addr[$left]}:8080/ipxe?mac=$mac" |
    vq_matches "/files/disk/vmlinuz"
}
vq_wait_for 10 next_stage || vq_fail "$left does not serve node1's next stage"
vq_log "agents of one site: ok ($left served DHCP, TFTP, HTTP and the checkpoint after $gone died)"
