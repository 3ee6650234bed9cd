#!/usr/bin/env bash
# HA on etcd: a three-member etcd cluster on loopback and three `vaquero server`s with
# Etcd.HA campaigning on <Root>/leader. Exactly one is ready (/ready 200), all are live;
# the state lives under <Root>/<sot>/...; kill -9 the leader: another leads within seconds;
# SIGSTOP the new leader past its lease: the third leads, and the paused one, resumed,
# exits non-zero without having written; all of etcd lost: the leader exits non-zero.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl etcd etcdctl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

now_ms() { date +%s%3N; }

# --- etcd: three members -------------------------------------------------------------
vq_etcd_cluster 3 || vq_fail "etcd cluster did not come up"
endpoints=$VQ_ETCD_ENDPOINTS
epid=("${VQ_ETCD_PIDS[@]}")
ectl() { ETCDCTL_API=3 etcdctl --endpoints="$endpoints" --dial-timeout=2s --command-timeout=3s "$@"; }

# --- a SoT and three servers -----------------------------------------------------------
sot=$VQ_TMP/sot
vq_one_stage_sot "$sot"

pki=$VQ_TMP/pki
mkdir -p "$pki"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/server.key" -out "$pki/server.pem" \
  -days 2 -subj /CN=vq-ha -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
  vq_fail "openssl could not make a certificate"
export VAQUERO_SERVER_SECRET=server-secret-for-tests VAQUERO_SHARED_SECRET=shared-secret-for-tests

declare -a uport spid
for i in 0 1 2; do
  uport[$i]=$(vq_free_port)
  cat > "$VQ_TMP/server$i.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: $(vq_free_port), PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: ${uport[$i]}}
SavePath: $VQ_TMP/state$i
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: cp, Root: $sot}
Etcd:
  Endpoints: [${endpoints//,/, }]
  Root: vqha
  HA: true
  TTL: 2
Log: {Level: info, Location: stdout, Type: text}
YAML
done
start_server() {  # index
  vq_bg "$VAQUERO_BIN" server --config "$VQ_TMP/server$1.yaml" >>"$VQ_TMP/server$1.log" 2>&1
  spid[$1]=${VQ_PIDS[-1]}
}
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${uport[$1]}/ready")" = 200 ]; }
live() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${uport[$1]}/live")" = 200 ]; }
# The index of the one ready server among `$@`, or nothing.
leader_among() {
  local i found=""
  for i in "$@"; do
    if ready "$i"; then
      [ -z "$found" ] || { echo "two ready: $found $i" >&2; return 1; }
      found=$i
    fi
  done
  [ -n "$found" ] && echo "$found"
}
wait_leader() {  # secs candidates...
  local secs=$1; shift
  local deadline=$((SECONDS + secs)) l
  while [ $SECONDS -lt $deadline ]; do
    l=$(leader_among "$@" 2>/dev/null) && { echo "$l"; return 0; }
    sleep 0.05
  done
  return 1
}

for i in 0 1 2; do start_server $i; done
first=$(wait_leader 30 0 1 2) || { tail -5 "$VQ_TMP"/server*.log; vq_fail "no server became leader"; }
for i in 0 1 2; do vq_wait_for 10 live $i || vq_fail "server $i is not live"; done
sleep 1
[ "$(leader_among 0 1 2)" = "$first" ] || vq_fail "more than one server, or none, is ready"
vq_log "leader: server $first"
grep -q HA_LEADER "$VQ_TMP/server$first.log" || vq_fail "the leader did not log HA_LEADER"
ectl get vqha/leader --print-value-only | vq_matches "/${spid[$first]}@" ||
  vq_fail "vqha/leader does not name the leader's process"
vq_wait_for 10 sh -c "ETCDCTL_API=3 etcdctl --endpoints=$endpoints get --prefix vqha/cp/_revisions/ --keys-only | grep -q meta" ||
  vq_fail "no revision stored under vqha/cp/_revisions/"

# --- kill -9 the leader ----------------------------------------------------------------
mapfile -t rest < <(for i in 0 1 2; do [ "$i" = "$first" ] || echo "$i"; done)
t0=$(now_ms)
kill -9 "${spid[$first]}"
second=$(wait_leader 15 "${rest[@]}") || vq_fail "nobody took over after kill -9"
failover_ms=$(( $(now_ms) - t0 ))
vq_log "kill -9 server $first -> server $second ready in ${failover_ms} ms"
[ "$failover_ms" -le 6000 ] || vq_fail "failover took ${failover_ms} ms"

# --- SIGSTOP the new leader past its lease ---------------------------------------------
third=${rest[0]}
[ "$third" = "$second" ] && third=${rest[1]}
kill -STOP "${spid[$second]}"
t0=$(now_ms)
vq_wait_for 15 ready "$third" || vq_fail "server $third did not lead while $second was paused"
vq_log "SIGSTOP server $second -> server $third ready in $(( $(now_ms) - t0 )) ms"
ectl get vqha/leader --print-value-only | vq_matches "/${spid[$third]}@" ||
  vq_fail "vqha/leader does not name server $third"
rev_before=$(ectl get vqha/leader -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])')
kill -CONT "${spid[$second]}"
set +e
for _ in $(seq 1 100); do kill -0 "${spid[$second]}" 2>/dev/null || break; sleep 0.1; done
wait "${spid[$second]}"
rc=$?
set -e
[ "$rc" = 3 ] || vq_fail "the resumed server exited with $rc, expected 3"
grep -Eq "HA_LEADERSHIP_LOST|HA_WRITE_REFUSED" "$VQ_TMP/server$second.log" ||
  vq_fail "the resumed server did not say it lost leadership"
# etcd's history since the paused one resumed: only the new leader's key changes, or
# nothing (the paused one's writes would be under vqha/cp/ with its stale fence).
ectl get vqha/leader --print-value-only | vq_matches "/${spid[$third]}@" ||
  vq_fail "the resumed server took vqha/leader back"
ready "$third" || vq_fail "server $third stopped leading"
vq_log "revision at resume: $rev_before; the resumed server exited 3"

# --- one etcd member lost: the leader goes on ------------------------------------------
kill -9 "${epid[0]}"
sleep 3
ready "$third" || { tail -5 "$VQ_TMP/server$third.log"; vq_fail "losing one etcd member of three interrupted the leader"; }

# --- all of etcd lost: the leader exits non-zero ---------------------------------------
kill -9 "${epid[1]}" "${epid[2]}"
set +e
for _ in $(seq 1 100); do kill -0 "${spid[$third]}" 2>/dev/null || break; sleep 0.1; done
wait "${spid[$third]}"
rc=$?
set -e
[ "$rc" = 3 ] || vq_fail "with etcd gone the leader exited with $rc, expected 3"
vq_log "etcd lost: the leader exited 3"
echo "PASS ha_etcd failover_ms=$failover_ms"
