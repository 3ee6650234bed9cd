#!/usr/bin/env bash
# HA on etcd with an agent: a three-member etcd cluster on loopback, three `vaquero server`s
# with Etcd.HA, and an agent whose ServerClient is a server that does not lead (it answers
# login, revisions and bundles from etcd and forwards the rest to the leader). HOSTS (default 1,000) simulated hosts call their checkpoint URL through the
# agent (`install`, the first stage of their two); after a third of them are acknowledged
# the leader is killed with -9. Another server leads, every host ends acknowledged, and on
# the new leader's User API every host moved exactly one stage, to `disk`: no acknowledged
# checkpoint lost, none applied twice (a checkpoint the old leader stored but could not
# answer reaches the new leader again, which records it without moving the host: counted
# and printed as delivered twice). A follower's User API relays to the leader's. Then a
# second agent behind a round-robin TCP load balancer over all three servers (the dead one
# included) gets in sync and checkpoints 100 hosts to `provisioned` on the new leader. The
# servers serve a second SoT (site edge): an agent of that site, through the follower too,
# is answered from that SoT's revisions and its checkpoint reaches that SoT's store.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl etcd etcdctl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
here=$(cd "$(dirname "$0")" && pwd)
HOSTS=${HOSTS:-1000}

now_ms() { date +%s%3N; }

vq_etcd_cluster 3 || vq_fail "etcd cluster did not come up"
endpoints=$VQ_ETCD_ENDPOINTS

# --- a SoT of HOSTS hosts (two-stage workflow install-then-disk) in site lab ---------------
sot=$VQ_TMP/sot
vq_two_stage_sot "$sot" 52:54:00:12:34:56
python3 - "$sot/sites/lab/inventory.yml" "$VQ_TMP/macs" "$HOSTS" <<'PY'
import sys
inventory, macs, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(inventory, "w") as inv, open(macs, "w") as out:
    for i in range(n):
        mac = "52:54:00:%02x:%02x:%02x" % (0x10 + i // 65536, (i // 256) % 256, i % 256)
        inv.write(f"---\nname: node{i}\ninterfaces:\n  - type: physical\n    subnet: net\n"
                  f"    mac: '{mac}'\n    ipv4: 10.99.{1 + i // 250}.{1 + i % 250}\n"
                  "workflow: install-then-disk\n")
        out.write(f"{mac} node{i}\n")
PY
sed -i 's|cidr: 10.99.0.0/24|cidr: 10.99.0.0/16|' "$sot/sites/lab/env.yml"
printf '  - name: a2\n    asset_server: {addr: 10.99.0.6, port: 8080}\n' >>"$sot/sites/lab/env.yml"

# --- one certificate for every server: followers trust it to reach the leader -----------------
pki=$VQ_TMP/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/server.key" -out "$pki/server.pem" \
  -days 2 -subj /CN=vq-ha -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
  vq_fail "openssl could not make a certificate"
export VAQUERO_SERVER_SECRET=server-secret-for-tests VAQUERO_SHARED_SECRET=shared-secret-for-tests

# --- a second SoT, one host in site edge ------------------------------------------------------
sot2=$VQ_TMP/sot2
vq_two_stage_sot "$sot2" 52:54:00:ed:00:01
mv "$sot2/sites/lab" "$sot2/sites/edge"
sed -i 's/^id: lab$/id: edge/; s/name: a1/name: e1/' "$sot2/sites/edge/env.yml"
sed -i 's/^name: node1$/name: edge1/' "$sot2/sites/edge/inventory.yml"
export VQ_HA_MORE_SOTS="- Local: {ID: edge, Root: $sot2}"

vq_ha_servers 3 vqagents "$sot" "$pki"
ready() { vq_ha_ready "$1"; }
wait_leader() {  # secs candidates...
  local secs=$1; shift
  local deadline=$((SECONDS + secs)) i
  while [ $SECONDS -lt $deadline ]; do
    for i in "$@"; do ready "$i" && { echo "$i"; return 0; }; done
    sleep 0.05
  done
  return 1
}
for i in 0 1 2; do vq_ha_start $i; done
leader=$(wait_leader 60 0 1 2) || { tail -5 "$VQ_TMP"/server*.log; vq_fail "no server became leader"; }
follower=$(( (leader + 1) % 3 ))
vq_log "leader: server $leader; the agent talks to server $follower"

# A follower's User API relays to the leader's: the same /hosts, whichever is asked.
hosts_of() { curl -sf -m 5 "http://127.0.0.1:${uport[$1]}/hosts"; }
same_hosts() {
  local a b
  a=$(hosts_of "$follower") && b=$(hosts_of "$leader") && [ -n "$a" ] && [ "$a" = "$b" ]
}
vq_wait_for 10 same_hosts || vq_fail "the follower's /hosts is not the leader's: $(hosts_of "$follower" | head -c 300)"

# --- the agent, through the follower ----------------------------------------------------
hport=$(vq_free_port)
cat > "$VQ_TMP/agent.yaml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: ${sport[$follower]}, CAFile: $pki/server.pem}
SavePath: $VQ_TMP/agent-state
Log: {Level: info, Location: stdout, Type: text}
YAML
# start_agent SITE AGENT CONFIG PORT LOG; ready_on PORT: that agent's /ready says 200.
start_agent() {
  vq_bg env VAQUERO_SITE_ID="$1" VAQUERO_AGENT_ID="$2" "$VAQUERO_BIN" agent --config "$3" \
    --listen 127.0.0.1 --http-port "$4" --no-boot-services >"$5" 2>&1
}
ready_on() { [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/ready")" = 200 ]; }
start_agent lab a1 "$VQ_TMP/agent.yaml" "$hport" "$VQ_TMP/agent.log"
agent_url=http://127.0.0.1:$hport
agent_ready() { ready_on "$hport"; }
vq_wait_for 60 agent_ready || { tail -20 "$VQ_TMP/agent.log"; vq_fail "the agent did not get in sync through the follower"; }
grep -q FOLLOWER_FORWARD_FAILED "$VQ_TMP/server$follower.log" && vq_fail "forwarding failed before any kill"
# The follower answered the agent's login, revisions and bundle itself, from what the leader
# stored in etcd; the manifest it forwarded.
grep -q "FOLLOWER_REVISION revision=" "$VQ_TMP/server$follower.log" ||
  vq_fail "the follower read no revision from etcd"
grep -q "AGENT_LOGIN site=lab agent=a1" "$VQ_TMP/server$follower.log" ||
  vq_fail "the follower did not answer the agent's login itself"
curl -sf -m 10 "http://127.0.0.1:${uport[$leader]}/agents" | vq_matches '"agent":"a1"' ||
  vq_fail "the leader does not know the agent whose calls the follower forwarded"

# --- an agent of the second SoT's site, through the follower ---------------------------------
eport=$(vq_free_port)
sed "s|agent-state|agent-edge-state|" "$VQ_TMP/agent.yaml" >"$VQ_TMP/agent-edge.yaml"
start_agent edge e1 "$VQ_TMP/agent-edge.yaml" "$eport" "$VQ_TMP/agent-edge.log"
vq_wait_for 60 ready_on "$eport" || { tail -20 "$VQ_TMP/agent-edge.log"; vq_fail "the edge agent did not get in sync through the follower"; }
grep -q "AGENT_LOGIN site=edge agent=e1" "$VQ_TMP/server$follower.log" ||
  vq_fail "the follower did not answer the edge agent's login from the second SoT"
curl -sf -m 10 "http://127.0.0.1:$eport/checkpoint/52:54:00:ed:00:01?boot=install" >/dev/null ||
  vq_fail "the edge host's checkpoint was refused"
edge_at_disk() {
  curl -sf -m 5 "http://127.0.0.1:${uport[$leader]}/hosts" |
    python3 -c 'import json,sys; sys.exit(0 if any(h.get("site") == "edge" and h.get("boot") == "disk" for h in json.load(sys.stdin)["hosts"]) else 1)'
}
vq_wait_for 20 edge_at_disk || vq_fail "the edge host's checkpoint did not reach the leader"
[ -n "$(ETCDCTL_API=3 etcdctl --endpoints="$endpoints" get --prefix --keys-only vqagents/edge/edge/ | head -1)" ] ||
  vq_fail "nothing of the edge SoT under vqagents/edge/ in etcd"

# --- HOSTS checkpoints through the agent; kill -9 the leader a third of the way ---------
python3 "$here/ha/checkpoint_hosts.py" "$agent_url" install "$VQ_TMP/macs" $((HOSTS / 3)) \
  "${spid[$leader]}" 16 >"$VQ_TMP/run.json" || vq_fail "the simulated hosts failed"
cat "$VQ_TMP/run.json" >&2
python3 - "$VQ_TMP/run.json" "$HOSTS" <<'PY' || vq_fail "not every checkpoint was acknowledged"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["killed"], "the leader was never killed"
assert r["acknowledged"] == int(sys.argv[2]) and not r["failed"], r
PY
kill_ms=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kill_epoch_ms"])' "$VQ_TMP/run.json")
rest=()
for i in 0 1 2; do [ "$i" = "$leader" ] || rest+=("$i"); done
second=$(wait_leader 30 "${rest[@]}") || vq_fail "nobody took over after kill -9"
leader_ms=$(( $(now_ms) - kill_ms ))
vq_log "server $second leads now (${leader_ms} ms after the kill)"

# Every acknowledged checkpoint reaches the new leader (those queued at the agent too): the
# agent is in sync again once its queue is empty.
vq_wait_for 60 agent_ready || { tail -20 "$VQ_TMP/agent.log"; vq_fail "the agent did not deliver what it queued"; }
drained_ms=$(( $(now_ms) - kill_ms ))
check() { python3 "$here/ha/check_hosts.py" "http://127.0.0.1:${uport[$second]}" lab "$VQ_TMP/macs" install disk >"$VQ_TMP/check.json"; }
vq_wait_for 60 check || { cat "$VQ_TMP/check.json" >&2; vq_fail "acknowledged checkpoints missing, or applied twice"; }
cat "$VQ_TMP/check.json" >&2
# --- a second agent through a round-robin TCP load balancer over all three servers (the
# killed one included: the balancer skips a backend that refuses) -------------------------
lport=$(vq_free_port)
vq_bg python3 "$here/ha/round_robin_lb.py" "$lport" "${sport[@]}" >"$VQ_TMP/lb.log" 2>&1
vq_wait_for 10 grep -q ready "$VQ_TMP/lb.log" || vq_fail "the load balancer did not start"
hport2=$(vq_free_port)
sed "s|Port: ${sport[$follower]}|Port: $lport|; s|agent-state|agent2-state|" "$VQ_TMP/agent.yaml" >"$VQ_TMP/agent2.yaml"
start_agent lab a2 "$VQ_TMP/agent2.yaml" "$hport2" "$VQ_TMP/agent2.log"
agent2_ready() { ready_on "$hport2"; }
vq_wait_for 60 agent2_ready || { tail -20 "$VQ_TMP/agent2.log"; vq_fail "the agent behind the load balancer did not get in sync"; }
sed -n 1,100p "$VQ_TMP/macs" >"$VQ_TMP/macs100"
python3 "$here/ha/checkpoint_hosts.py" "http://127.0.0.1:$hport2" disk "$VQ_TMP/macs100" 1000000 0 4 \
  >"$VQ_TMP/run2.json" || vq_fail "checkpoints through the load balancer failed"
vq_wait_for 30 agent2_ready || vq_fail "the agent behind the load balancer did not deliver what it queued"
provisioned() {
  curl -sf -m 10 "http://127.0.0.1:${uport[$second]}/hosts" | python3 -c '
import json, sys
names = {l.split()[1] for l in open(sys.argv[1]) if l.strip()}
hosts = [h for h in json.load(sys.stdin)["hosts"] if h["host"] in names and h.get("state") == "provisioned"]
sys.exit(0 if len(hosts) == len(names) else 1)' "$VQ_TMP/macs100"
}
vq_wait_for 30 provisioned || vq_fail "checkpoints through the load balancer did not all reach the leader"
vq_log "100 more checkpoints through a round-robin load balancer: every host provisioned"

# The figures: kill -> the first acknowledgement through the agent (stored by the leader, or
# queued at the agent), -> the first checkpoint the new leader stored (the agent's log).
read -r first_ack queued first_stored < <(python3 - "$VQ_TMP/run.json" "$VQ_TMP/agent.log" <<'PY'
import datetime, json, re, sys
r = json.load(open(sys.argv[1]))
first_stored = None
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r"time=(\S+) .*CHECKPOINT_DELIVERED", line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000
    if t >= r["kill_epoch_ms"]:
        first_stored = round(t - r["kill_epoch_ms"])
        break
print(r["kill_to_first_ack_ms"], r["queued"], first_stored)
PY
)
twice=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["delivered_twice_count"])' "$VQ_TMP/check.json")
echo "PASS ha_agents hosts=$HOSTS kill_to_ready_ms<=$leader_ms kill_to_first_ack_ms=$first_ack queued_at_agent=$queued kill_to_first_stored_ms=$first_stored kill_to_queue_delivered_ms<=$drained_ms delivered_twice=$twice"
