#!/usr/bin/env bash
# A real BIOS boot (SeaBIOS + iPXE ROM) through `vaquero agent` fed only by `vaquero server`:
# the server holds the lab SoT and serves it over HTTPS (a CA made by the test) on the
# namespace's loopback; the agent, given nothing but the server's address, the CA and the
# shared secret, serves DHCP, TFTP and HTTP in the lab namespace. The guest must print the ok
# marker and see its config, and its checkpoint must reach the server (/hosts, log).
source "$(dirname "$0")/../lab/lib.sh"
source "$(dirname "$0")/../lab/vaquero.sh"
lab_require
lab_vq_require
vq_require_tools curl openssl

ns=$(vq_netns_name cp)
lab_net_flat "$ns"
lab_vq_sot "$VQ_TMP/sot" server "$VQ_TMP/files"
lab_prepare_files "$VQ_TMP/files"
"$VAQUERO_BIN" validate --sot "$VQ_TMP/sot" >"$VQ_TMP/validate.log" 2>&1 ||
  { cat "$VQ_TMP/validate.log" >&2; vq_fail "vaquero validate rejects the lab SoT"; }

pki=$VQ_TMP/pki
mkdir -p "$pki"
(
  cd "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=vq-lab-ca
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=vq-lab-server
  printf 'subjectAltName=IP:127.0.0.1\n' > server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -out server.pem -extfile server.ext
) >/dev/null 2>&1 || vq_fail "openssl could not make the test PKI"

cat > "$VQ_TMP/server.yml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: 24601, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
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
mkdir -p "$VQ_TMP/server-state" "$VQ_TMP/state"
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

LAB_PASS=0
LAB_FAIL=0
lab_vq_boot bios-control-plane bios lab-bios "$ns"
[ "$LAB_FAIL" -eq 0 ] || vq_fail "the BIOS guest did not boot through the agent"
vq_wait_for 10 grep -q "AGENT_CHECKPOINT site=lab agent=lab-agent host=lab-bios" "$VQ_TMP/server.log" ||
  vq_fail "the guest's checkpoint did not reach the server"
user /hosts | vq_matches '"lab-bios"' || vq_fail "server /hosts lacks lab-bios: $(user /hosts)"
user /agents | vq_matches '"agent":"lab-agent"' || vq_fail "/agents lacks lab-agent: $(user /agents)"
echo "PASS"
