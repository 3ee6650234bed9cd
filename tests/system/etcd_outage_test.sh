#!/usr/bin/env bash
# etcd outages under HA: a three-member etcd cluster on loopback, two `vaquero server`s with
# HA: true (the first leads, the second stands by) and an agent of the leader.
#  - One member of three lost: no interruption. The leader stays ready the whole time, a
#    checkpoint through the agent is applied at once (not queued) and reaches /hosts; the
#    member comes back.
#  - All of etcd lost: both servers exit non-zero (3); the agent goes on serving the known
#    host's next stage and queues its checkpoint. etcd comes back from the same data
#    directories, the servers are restarted (what an orchestrator does): the first leads
#    again, the queued checkpoint lands (node1 provisioned in /hosts), the agent is in sync.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl etcd etcdctl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

mac=52:54:00:12:34:56

# --- etcd: three members; each one's command line kept to start it again ------------------
vq_etcd_cluster 3 || vq_fail "etcd cluster did not come up"
endpoints=$VQ_ETCD_ENDPOINTS
epid=("${VQ_ETCD_PIDS[@]}")
for i in 0 1 2; do
  tr '\0' '\n' <"/proc/${epid[$i]}/cmdline" >"$VQ_TMP/etcd$i.cmdline"
done
ectl() { ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --dial-timeout=2s --command-timeout=3s "$@"; }
healthy() { ectl endpoint health >/dev/null 2>&1; }
start_member() {  # index: the same command line, the same data directory
  local -a args
  mapfile -t args <"$VQ_TMP/etcd$1.cmdline"
  vq_bg "${args[@]}" >>"$VQ_TMP/etcd$1.log" 2>&1
  epid[$1]=${VQ_PIDS[-1]}
}
stop_member() {  # index
  kill -9 "${epid[$1]}" 2>/dev/null || true
  wait "${epid[$1]}" 2>/dev/null || true
}

# --- SoT, PKI, two servers, an agent --------------------------------------------------------
sot=$VQ_TMP/sot
vq_two_stage_sot "$sot" "$mac"
pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:127.0.0.1
export VAQUERO_SERVER_SECRET=server-secret-for-tests VAQUERO_SHARED_SECRET=shared-secret-for-tests

vq_ha_servers 2 vqout "$sot" "$pki"
start_server() { vq_ha_start "$1"; }
code() { curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:${uport[$1]}/$2" || true; }
ready() { [ "$(code "$1" ready)" = 200 ]; }
live() { [ "$(code "$1" live)" = 200 ]; }
# Waits up to 20 s for a server's exit; sets rc to its exit code (or "running"). Not in a
# subshell: only this shell may wait for its children.
wait_exit() {  # index
  rc=running
  for _ in $(seq 1 200); do kill -0 "${spid[$1]}" 2>/dev/null || break; sleep 0.1; done
  kill -0 "${spid[$1]}" 2>/dev/null && return 0
  set +e
  wait "${spid[$1]}"
  rc=$?
  set -e
}

start_server 0
vq_wait_for 30 ready 0 || { tail -5 "$VQ_TMP/server0.log"; vq_fail "server 0 did not lead"; }
start_server 1
vq_wait_for 15 live 1 || vq_fail "server 1 is not live"
sleep 1
ready 1 && vq_fail "the standby server is ready too"

hport=$(vq_free_port)
cat >"$VQ_TMP/agent.yaml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: ${sport[0]}, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/agent-state
Log: {Level: info, Location: stdout, Type: text}
YAML
base="http://127.0.0.1:$hport"
user="http://127.0.0.1:${uport[0]}"
vq_bg env VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=a1 "$VAQUERO_BIN" agent --config "$VQ_TMP/agent.yaml" \
  --listen 127.0.0.1 --http-port "$hport" --no-boot-services >"$VQ_TMP/agent.log" 2>&1
vq_wait_for 20 curl -sf "$base/boot.ipxe" -o /dev/null || { cat "$VQ_TMP/agent.log"; vq_fail "agent did not start"; }
serves() { curl -sf -m 2 "$base/ipxe?mac=$mac" | vq_matches "/files/$1/vmlinuz"; }
agent_ready() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$base/ready")" = 200 ]; }
vq_wait_for 15 agent_ready || vq_fail "agent not in sync: $(curl -s "$base/ready")"
serves installer || vq_fail "stage 1 not served through the agent"

# --- one etcd member of three lost: no interruption ---------------------------------------
stop_member 0
t_end=$((SECONDS + 4))
while [ $SECONDS -lt $t_end ]; do
  ready 0 || { tail -5 "$VQ_TMP/server0.log"; vq_fail "the leader stopped being ready with one member of three lost"; }
  live 1 || vq_fail "the standby stopped with one member of three lost"
  sleep 0.1
done
body=$(curl -sf -m 10 "$base/checkpoint/$mac?boot=install") || vq_fail "checkpoint refused with one member lost"
[ "$body" = "stage done: install -> disk (stage 2)" ] ||
  vq_fail "checkpoint with one member lost said: $body (expected it applied at once)"
curl -sf "$user/hosts" | vq_matches '"boot":"disk"' || vq_fail "/hosts lacks node1 at disk: $(curl -s "$user/hosts")"
vq_log "one member of three lost: leader ready throughout, checkpoint applied at once"
start_member 0
vq_wait_for 20 healthy || vq_fail "member 0 did not come back"
ready 0 || vq_fail "the leader stopped being ready when member 0 came back"

# --- all of etcd lost: the servers exit, the agent goes on ----------------------------------
for i in 0 1 2; do stop_member "$i"; done
t0=$SECONDS
for i in 0 1; do
  wait_exit "$i"
  [ "$rc" = 3 ] || { tail -5 "$VQ_TMP/server$i.log"; vq_fail "with etcd gone server $i: $rc, expected exit 3"; }
done
vq_log "all of etcd lost: both servers exited 3 within $((SECONDS - t0)) s"
grep -Eq 'HA_LEADERSHIP_LOST|ETCD_WRITE_FAILED|HA_WRITE_REFUSED' "$VQ_TMP/server0.log" ||
  vq_fail "the leader did not say why it stopped"
serves disk || vq_fail "the agent does not serve node1's stage 2 with etcd and the servers gone"
body=$(curl -sf -m 10 "$base/checkpoint/$mac?boot=disk") || vq_fail "checkpoint refused during the outage"
echo "$body" | vq_matches queued || vq_fail "checkpoint during the outage said: $body"
vq_wait_for 5 test "$(curl -s -o /dev/null -w '%{http_code}' "$base/ready")" = 503 ||
  vq_fail "agent /ready not 503 during the outage"
curl -s "$base/ready" | vq_matches '"queued_checkpoints":1' || vq_fail "queue: $(curl -s "$base/ready")"
serves disk || vq_fail "the agent stopped serving after queueing"

# --- etcd returns (same data), the servers are restarted: everything resumes --------------
for i in 0 1 2; do start_member "$i"; done
vq_wait_for 30 healthy || vq_fail "etcd did not come back from its data directories"
start_server 0
vq_wait_for 30 ready 0 || { tail -5 "$VQ_TMP/server0.log"; vq_fail "server 0 did not lead again"; }
start_server 1
vq_wait_for 15 live 1 || vq_fail "server 1 is not live again"
provisioned() { curl -sf "$user/hosts" | vq_matches '"phase":"provisioned"'; }
vq_wait_for 30 provisioned || vq_fail "the queued checkpoint did not land: $(curl -s "$user/hosts")"
vq_wait_for 15 agent_ready || vq_fail "agent not back in sync: $(curl -s "$base/ready")"
curl -s "$base/ready" | vq_matches '"queued_checkpoints":0' || vq_fail "queue after: $(curl -s "$base/ready")"
grep -q CHECKPOINT_DELIVERED "$VQ_TMP/agent.log" || vq_fail "no CHECKPOINT_DELIVERED in the agent's log"
ready 1 && vq_fail "the restarted standby is ready too"
# The transition is in etcd, not only in the server's memory.
ectl get --prefix vqout/cp/lab/ --print-value-only | vq_matches '"provisioned"' ||
  vq_fail "etcd lacks node1's provisioned record: $(ectl get --prefix vqout/cp/lab/)"
echo "PASS etcd_outage"
