#!/usr/bin/env bash
# A real BIOS boot (SeaBIOS + iPXE ROM) through `vaquero agent` fed only by `vaquero server`,
# with two sites and two agents, each in a namespace of its own: the server holds the lab SoT
# plus a second site (lab2) and serves both over HTTPS (a CA made by the test); each agent,
# given nothing but the server's address, the CA, the shared secret and its site, serves
# DHCP, TFTP and HTTP in its namespace. The guest (site lab) must print the ok marker and see
# its config, and its checkpoint must reach the server (/hosts, log); lab2's agent serves its
# own host and knows nothing of lab's.
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
lab_require
lab_vq_require
vq_require_tools curl openssl

ns=$(vq_netns_name cp)
ns2=$(vq_netns_name cp2)
lab_net_flat "$ns"
# Site lab2 in a namespace of its own, joined to the server's by a veth (10.99.60.0/24); its
# agent serves 10.99.61.0/24 on a bridge without ports (no guest boots there).
vq_netns_add "$ns2"
ip link add "vqcp$$" netns "$ns" type veth peer name eth0 netns "$ns2"
ip -n "$ns" addr add 10.99.60.1/24 dev "vqcp$$"
ip -n "$ns2" addr add 10.99.60.2/24 dev eth0
ip -n "$ns2" link add br0 type bridge
ip -n "$ns2" addr add 10.99.61.1/24 dev br0
ip -n "$ns" link set "vqcp$$" up
ip -n "$ns2" link set eth0 up
ip -n "$ns2" link set br0 up
lab_vq_sot "$VQ_TMP/sot" server "$VQ_TMP/files"
lab_prepare_files "$VQ_TMP/files"
mkdir -p "$VQ_TMP/sot/sites/lab2"
cat > "$VQ_TMP/sot/sites/lab2/env.yml" <<YAML
id: lab2
subnets:
  - id: lab2-net
    cidr: 10.99.61.0/24
    gateway: 10.99.61.1
    dns: [10.99.61.1]
agents:
  - name: lab2-agent
    asset_server: {addr: 10.99.61.1, port: 24602, base_dir: $VQ_TMP/files, scheme: http}
    tftp_server: {base_dir: $VQ_TMP/pxeroms}
    dhcp_mode: server
YAML
cat > "$VQ_TMP/sot/sites/lab2/inventory.yml" <<YAML
name: lab2-host
interfaces:
  - type: physical
    subnet: lab2-net
    mac: 52:54:00:00:61:0a
    ipv4: 10.99.61.10
metadata:
  role: web
workflow: lab
YAML
"$VAQUERO_BIN" validate --sot "$VQ_TMP/sot" >"$VQ_TMP/validate.log" 2>&1 ||
  { cat "$VQ_TMP/validate.log" >&2; vq_fail "vaquero validate rejects the lab SoT"; }

pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:127.0.0.1,IP:10.99.60.1

cat > "$VQ_TMP/server.yml" <<YAML
ServerAPI: {Addr: 0.0.0.0, Port: 24601, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: 24604}
SavePath: $VQ_TMP/server-state
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: $VQ_TMP/sot}
Log: {Level: info, Location: stdout, Type: text}
YAML
cat > "$VQ_TMP/agent.yml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: 24601}
SavePath: $VQ_TMP/state
Log: {Level: debug, Location: stdout, Type: text}
YAML
cat > "$VQ_TMP/agent2.yml" <<YAML
ServerClient: {Addr: 10.99.60.1, Port: 24601}
SavePath: $VQ_TMP/state2
Log: {Level: debug, Location: stdout, Type: text}
YAML
mkdir -p "$VQ_TMP/server-state" "$VQ_TMP/state" "$VQ_TMP/state2"
export VAQUERO_SHARED_SECRET=lab-shared-secret
vq_bg env VAQUERO_SERVER_SECRET=lab-server-secret ip netns exec "$ns" \
  "$VAQUERO_BIN" server --config "$VQ_TMP/server.yml" > >(lab_stamp "$VQ_TMP/server.log") 2>&1
user() { ip netns exec "$ns" curl -s -m 5 "http://127.0.0.1:24604$1"; }
vq_wait_for 20 sh -c "ip netns exec $ns curl -sf -m 2 http://127.0.0.1:24604/live" ||
  { cat "$VQ_TMP/server.log" >&2; vq_fail "vaquero server did not start"; }

vq_bg env VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=lab-agent ip netns exec "$ns" \
  "$VAQUERO_BIN" agent --config "$VQ_TMP/agent.yml" --ca-file "$pki/ca.pem" \
  > >(lab_stamp "$VQ_TMP/vaquero.log") 2>&1
agent_pid=${VQ_PIDS[-1]}
for _ in $(seq 1 150); do
  kill -0 "$agent_pid" 2>/dev/null || { sleep 0.2; cat "$VQ_TMP/vaquero.log" >&2; vq_fail "vaquero agent exited"; }
  [ "$(lab_vq_http "$ns" /files/initrd.gz /dev/null)" = 200 ] && break
  sleep 0.1
done
[ "$(lab_vq_http "$ns" /files/initrd.gz /dev/null)" = 200 ] ||
  { tail -n 30 "$VQ_TMP/vaquero.log" >&2; vq_fail "the agent does not serve /files/initrd.gz"; }
grep -q AGENT_REVISION "$VQ_TMP/vaquero.log" || vq_fail "the agent's model did not come from the server"

vq_bg env VAQUERO_SITE_ID=lab2 VAQUERO_AGENT_ID=lab2-agent ip netns exec "$ns2" \
  "$VAQUERO_BIN" agent --config "$VQ_TMP/agent2.yml" --ca-file "$pki/ca.pem" \
  > >(lab_stamp "$VQ_TMP/agent2.log") 2>&1
agent2_pid=${VQ_PIDS[-1]}
lab2() { ip netns exec "$ns2" curl -s -m 5 -o "$VQ_TMP/lab2.out" -w '%{http_code}' "http://10.99.61.1:24602$1" || true; }
for _ in $(seq 1 150); do
  kill -0 "$agent2_pid" 2>/dev/null || { sleep 0.2; cat "$VQ_TMP/agent2.log" >&2; vq_fail "lab2's agent exited"; }
  [ "$(lab2 /files/initrd.gz)" = 200 ] && break
  sleep 0.1
done
[ "$(lab2 /files/initrd.gz)" = 200 ] ||
  { tail -n 30 "$VQ_TMP/agent2.log" >&2; vq_fail "lab2's agent does not serve /files/initrd.gz"; }
[ "$(lab2 '/ipxe?mac=52:54:00:00:61:0a')" = 200 ] && vq_matches vmlinuz < "$VQ_TMP/lab2.out" ||
  vq_fail "lab2's agent does not boot its own host: $(cat "$VQ_TMP/lab2.out")"
status=$(lab2 "/ipxe?mac=$(lab_host lab-bios mac)")
! vq_matches vmlinuz < "$VQ_TMP/lab2.out" ||
  vq_fail "lab2's agent serves site lab's host lab-bios ($status): $(cat "$VQ_TMP/lab2.out")"
vq_log "lab2's agent boots lab2-host and not lab-bios ($status)"

LAB_PASS=0
LAB_FAIL=0
lab_vq_boot bios-control-plane bios lab-bios "$ns"
[ "$LAB_FAIL" -eq 0 ] || vq_fail "the BIOS guest did not boot through the agent"
vq_wait_for 10 grep -q "AGENT_CHECKPOINT site=lab agent=lab-agent host=lab-bios" "$VQ_TMP/server.log" ||
  vq_fail "the guest's checkpoint did not reach the server"
user /hosts | vq_matches '"lab-bios"' || vq_fail "server /hosts lacks lab-bios: $(user /hosts)"
user /agents | vq_matches '"agent":"lab-agent"' || vq_fail "/agents lacks lab-agent: $(user /agents)"
user /agents | vq_matches '"agent":"lab2-agent"' || vq_fail "/agents lacks lab2-agent: $(user /agents)"
user /agents | python3 -c '
import json, sys
sites = {a["agent"]: a["site"] for a in json.load(sys.stdin)["data"]}
assert sites.get("lab-agent") == "lab" and sites.get("lab2-agent") == "lab2", sites
' || vq_fail "/agents does not place each agent in its site: $(user /agents)"
echo "PASS"
