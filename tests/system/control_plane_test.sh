#!/usr/bin/env bash
# `vaquero server` + `vaquero agent` on loopback, TLS with a CA the test makes: the agent
# logs in with the shared secret and serves its site from what the server sends; refusals
# (missing key/cert/secret, wrong shared secret, alg none, tampered and expired tokens,
# another site's data, an unknown CA without -k); a SoT change reaches the agent; a
# checkpoint through the agent reaches the server's /hosts; kill -9 the server: the agent
# keeps serving, queues a checkpoint and delivers it to the restarted server; an agent
# started while the server is down serves from its cache.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

mac=52:54:00:12:34:56
mac2=52:54:00:12:34:57
sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/sites/other" "$sot/os" "$sot/boot" "$sot/workflows"
site() {  # id agent host mac ip
  cat > "$sot/sites/$1/env.yml" <<YAML
id: $1
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.2]
agents:
  - name: $2
    asset_server: {addr: 10.99.0.5, port: 8080}
YAML
  cat > "$sot/sites/$1/inventory.yml" <<YAML
name: $3
interfaces:
  - type: physical
    subnet: net
    mac: $4
    ipv4: $5
workflow: install-then-disk
YAML
}
site lab a1 node1 $mac 10.99.0.10
site other b1 node2 $mac2 10.99.0.11
for os in installer disk; do
  cat > "$sot/os/$os.yml" <<YAML
id: $os
major_version: '1'
os_family: Linux
boot:
  kernel: "{{.env.agentURL}}/files/$os/vmlinuz"
  initrd: ["{{.env.agentURL}}/files/$os/initrd"]
YAML
done
printf 'id: install\noperating_system: installer\n' > "$sot/boot/install.yml"
printf 'id: disk\noperating_system: disk\n' > "$sot/boot/disk.yml"
printf 'id: install-then-disk\nworkflow:\n  - boot: install\n  - boot: disk\n' \
  > "$sot/workflows/install-then-disk.yml"

# A CA, the server's certificate for 127.0.0.1 signed by it.
pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:127.0.0.1

sport=$(vq_free_port)
uport=$(vq_free_port)
hport=$(vq_free_port)
cat > "$VQ_TMP/server.yaml" <<YAML
ServerAPI:
  Addr: 127.0.0.1
  Port: $sport
  PrivateKey: $pki/server.key
  PublicKey: $pki/server.pem
UserApi: {Addr: 127.0.0.1, Port: $uport}
SavePath: $VQ_TMP/server-state
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: cp, Root: $sot}
Log: {Level: info, Location: stdout, Type: text}
YAML
cat > "$VQ_TMP/agent.yaml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: $sport, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/agent-state
Log: {Level: info, Location: stdout, Type: text}
YAML
export VAQUERO_SERVER_SECRET=server-secret-for-tests
shared=shared-secret-for-tests
base="http://127.0.0.1:$hport"
user="http://127.0.0.1:$uport"
api="https://127.0.0.1:$sport"

expect_exit2() {  # what-the-message-names cmd...
  local want=$1; shift
  set +e
  "$@" >/dev/null 2>"$VQ_TMP/err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] && grep -q -- "$want" "$VQ_TMP/err" || vq_fail "expected exit 2 naming '$want': rc=$rc $(cat "$VQ_TMP/err")"
}

# Misconfiguration: exit 2 naming what is missing.
expect_exit2 "shared secret" "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml"
sed 's/^  PrivateKey:.*//' "$VQ_TMP/server.yaml" > "$VQ_TMP/nokey.yaml"
expect_exit2 "ServerAPI.PrivateKey" "$VAQUERO_BIN" server --config "$VQ_TMP/nokey.yaml" --shared-secret "$shared"
expect_exit2 "$pki/missing.pem" "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml" \
  --shared-secret "$shared" --server-public-key "$pki/missing.pem"
VAQUERO_SERVER_SECRET= expect_exit2 "server secret" "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml" --shared-secret "$shared"

start_server() {  # log
  vq_bg "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml" --shared-secret "$shared" >"$1" 2>&1
  server_pid=${VQ_PIDS[-1]}
  vq_wait_for 20 curl -sf --cacert "$pki/ca.pem" -o /dev/null -X POST "$api/v1/login" -d '{}' ||
    vq_wait_for 1 curl -s --cacert "$pki/ca.pem" -o /dev/null "$api/v1/login" ||
    { cat "$1"; vq_fail "server did not start"; }
}
start_agent() {  # log [extra args]
  local log=$1; shift
  vq_bg env VAQUERO_SHARED_SECRET="$shared" VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=a1 \
    "$VAQUERO_BIN" agent --config "$VQ_TMP/agent.yaml" \
    --listen 127.0.0.1 --http-port "$hport" --no-boot-services "$@" >"$log" 2>&1
  agent_pid=${VQ_PIDS[-1]}
  vq_wait_for 20 curl -sf "$base/boot.ipxe" -o /dev/null || { cat "$log"; vq_fail "agent did not start"; }
}
ready_code() { curl -s -o /dev/null -w '%{http_code}' "$base/ready"; }
serves() {  # os dir
  curl -sf "$base/ipxe?mac=$mac" | vq_matches "/files/$1/vmlinuz"
}

start_server "$VQ_TMP/server1.log"

# The agent refuses a certificate it cannot verify (system CAs only, no -k), and a wrong
# shared secret is refused by the server; both say why.
sed 's/, CAFile: [^}]*//' "$VQ_TMP/agent.yaml" > "$VQ_TMP/agent-system-cas.yaml"
expect_exit2 "certificate refused" env VAQUERO_SHARED_SECRET="$shared" "$VAQUERO_BIN" agent \
  --config "$VQ_TMP/agent-system-cas.yaml" --site-id lab --agent-id a1 --http-port 0 --no-boot-services --start-wait 2
expect_exit2 "bad signature" env VAQUERO_SHARED_SECRET=wrong "$VAQUERO_BIN" agent \
  --config "$VQ_TMP/agent.yaml" --ca-file "$pki/ca.pem" --site-id lab --agent-id a1 \
  --http-port 0 --no-boot-services --start-wait 2

# Tokens made by hand: alg none, tampered, expired, and another site's data.
jwt() {  # secret payload-json [alg]
  python3 - "$@" <<'PY'
import base64, hashlib, hmac, json, sys
secret, payload = sys.argv[1], sys.argv[2]
alg = sys.argv[3] if len(sys.argv) > 3 else "HS256"
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
head = b(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + b(payload.encode())
sig = "" if alg == "none" else b(hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest())
print(head + "." + sig)
PY
}
now=$(date +%s)
login() {  # token -> writes body to $VQ_TMP/login, prints the status
  curl -s --cacert "$pki/ca.pem" -o "$VQ_TMP/login" -w '%{http_code}' -X POST "$api/v1/login" \
    -d "{\"token\": \"$1\"}"
}
claims() { echo "{\"site_id\":\"$1\",\"agent_id\":\"x\",\"exp\":$2,\"use\":\"login\"}"; }
refused() {  # token reason
  local code
  code=$(login "$1")
  [ "$code" = 403 ] && grep -q "$2" "$VQ_TMP/login" || vq_fail "login not refused for '$2': $code $(cat "$VQ_TMP/login")"
}
refused "$(jwt "$shared" "$(claims lab $((now + 60)))" none)" "not accepted"
good=$(jwt "$shared" "$(claims lab $((now + 60)))")
refused "${good%.*}.$(jwt "$shared" "$(claims other $((now + 60)))" | cut -d. -f3)" "bad signature"
refused "$(jwt "$shared" "$(claims lab $((now - 5)))")" "expired"
refused "$(jwt "$shared" "$(claims nowhere $((now + 60)))")" "not served"
[ "$(login "$(jwt "$shared" "$(claims other $((now + 60)))")")" = 200 ] || vq_fail "login of site other"
other_session=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["session"])' "$VQ_TMP/login")
auth=(-H "Authorization: Bearer $other_session")
code=$(curl -s --cacert "$pki/ca.pem" "${auth[@]}" -o "$VQ_TMP/x" -w '%{http_code}' "$api/v1/manifest?site=lab")
[ "$code" = 403 ] && grep -q "may not read site lab" "$VQ_TMP/x" || vq_fail "other site's manifest: $code $(cat "$VQ_TMP/x")"
curl -sf --cacert "$pki/ca.pem" "${auth[@]}" "$api/v1/manifest" > "$VQ_TMP/m"
grep -q node2 "$VQ_TMP/m" && ! grep -q node1 "$VQ_TMP/m" || vq_fail "manifest of other: $(cat "$VQ_TMP/m")"
rev=$(curl -sf --cacert "$pki/ca.pem" "${auth[@]}" "$api/v1/watch?revision=0" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
curl -sf --cacert "$pki/ca.pem" "${auth[@]}" -o "$VQ_TMP/b.zst" "$api/v1/bundle?revision=$rev"
if command -v zstd >/dev/null; then
  zstd -dc "$VQ_TMP/b.zst" > "$VQ_TMP/b.raw"
  grep -q "sites/other/env.yml" "$VQ_TMP/b.raw" && ! grep -q "sites/lab/" "$VQ_TMP/b.raw" ||
    vq_fail "the bundle of site other holds another site's files"
fi
code=$(curl -s --cacert "$pki/ca.pem" -o /dev/null -w '%{http_code}' "$api/v1/manifest")
[ "$code" = 403 ] || vq_fail "manifest without a session: $code"

# The agent serves its site from what the server sent.
start_agent "$VQ_TMP/agent1.log"
serves installer || vq_fail "stage 1 not served through the agent"
vq_wait_for 10 test "$(ready_code)" = 200 || vq_fail "agent /ready not 200: $(curl -s "$base/ready")"
curl -sf "$user/agents" | vq_matches '"agent":"a1"' || vq_fail "/agents lacks a1: $(curl -s "$user/agents")"
curl -sf "$user/agents" | vq_matches '"site":"lab"' || vq_fail "/agents lacks the site"

# A SoT change reaches the agent.
t0=$(date +%s%N)
sed -i 's|/files/disk/vmlinuz|/files/disk2/vmlinuz|' "$sot/os/disk.yml"
curl -sf "$base/ipxe?mac=$mac&boot=disk" | vq_matches /files/disk/vmlinuz || vq_fail "disk boot before change"
vq_wait_for 15 sh -c "curl -sf '$base/ipxe?mac=$mac&boot=disk' | grep -q /files/disk2/vmlinuz" ||
  vq_fail "the new revision did not reach the agent"
vq_log "revision propagated (SoT poll 1 s included) in $((($(date +%s%N) - t0) / 1000000)) ms"

# A checkpoint through the agent reaches the server.
body=$(curl -sf "$base/checkpoint/$mac?boot=install") || vq_fail "checkpoint refused"
[ "$body" = "stage done: install -> disk (stage 2)" ] || vq_fail "checkpoint said: $body"
curl -sf "$user/hosts" | vq_matches '"boot":"disk"' || vq_fail "server /hosts lacks node1 at disk"
serves disk2 || vq_fail "stage 2 not served after the checkpoint"

# Back to stage 1 on the server; the agent follows through its manifest.
curl -sf -X POST "$user/override?site=lab&host=node1&boot=install" >/dev/null || vq_fail "override"
vq_wait_for 10 serves installer || vq_fail "the agent did not follow the override"

# kill -9 the server: the agent keeps serving, queues the checkpoint, delivers it later.
{ kill -9 "$server_pid"; wait "$server_pid"; } 2>/dev/null || true
serves installer || vq_fail "the agent stopped serving when the server died"
body=$(curl -sf "$base/checkpoint/$mac?boot=install") || vq_fail "checkpoint refused during the outage"
echo "$body" | vq_matches "queued" || vq_fail "checkpoint during the outage said: $body"
serves disk2 || vq_fail "stage 2 not served after a queued checkpoint"
vq_wait_for 5 test "$(ready_code)" = 503 || vq_fail "agent /ready not 503 while the server is away"
grep -q '"queued_checkpoints":1' <(curl -s "$base/ready") || vq_fail "queue: $(curl -s "$base/ready")"
curl -s "$base/metrics" > "$VQ_TMP/outage.prom"
grep -qx 'vaquero_agent_queue_length{queue="checkpoints"} 1' "$VQ_TMP/outage.prom" &&
  grep -qx 'vaquero_agent_in_sync 0' "$VQ_TMP/outage.prom" ||
  vq_fail "agent metrics during the outage: $(grep vaquero_agent_ "$VQ_TMP/outage.prom")"
curl -sf "$user/live" -o /dev/null 2>&1 && vq_fail "the server is still up"
start_server "$VQ_TMP/server2.log"
vq_wait_for 20 sh -c "curl -sf '$user/hosts' | grep -q '\"boot\":\"disk\"'" ||
  vq_fail "the queued checkpoint did not reach the restarted server: $(curl -s "$user/hosts")"
vq_wait_for 15 test "$(ready_code)" = 200 || vq_fail "agent not back in sync: $(curl -s "$base/ready")"
curl -s "$base/metrics" > "$VQ_TMP/synced.prom"
grep -qx 'vaquero_agent_queue_length{queue="checkpoints"} 0' "$VQ_TMP/synced.prom" &&
  grep -qx 'vaquero_agent_in_sync 1' "$VQ_TMP/synced.prom" ||
  vq_fail "agent metrics back in sync: $(grep vaquero_agent_ "$VQ_TMP/synced.prom")"
grep -q CHECKPOINT_DELIVERED "$VQ_TMP/agent1.log" || vq_fail "no CHECKPOINT_DELIVERED in the agent's log"

# An agent started while the server is down serves from its cache.
kill -TERM "$agent_pid"
wait "$agent_pid" || vq_fail "agent exit code $? after SIGTERM"
{ kill -9 "$server_pid"; wait "$server_pid"; } 2>/dev/null || true
start_agent "$VQ_TMP/agent2.log" --start-wait 3
serves disk2 || vq_fail "the agent started without its server does not serve from its cache"
grep -q AGENT_CACHE_LOADED "$VQ_TMP/agent2.log" || vq_fail "no AGENT_CACHE_LOADED"
[ "$(ready_code)" = 503 ] || vq_fail "agent from cache says it is in sync"
echo "PASS"
