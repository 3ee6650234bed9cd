#!/usr/bin/env bash
# HA on etcd: a three-member etcd cluster on loopback and three `vaquero server`s with
# Etcd.HA campaigning on <Root>/leader. Exactly one is ready (/ready 200), all are live;
# the state lives under <Root>/<sot>/...; kill -9 the leader: another leads within seconds;
# SIGSTOP the new leader past its lease: the third leads and writes, and the paused one,
# resumed, exits non-zero without having written (etcd's history names the writer of every
# revision); the key deleted under a running leader: another takes it, the running one's
# write is refused by the fence alone (exit 3), and the history shows none of its writes;
# all of etcd lost: the leader exits non-zero.
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

vq_ha_servers 3 vqha "$sot" "$pki"
start_server() { vq_ha_start "$1"; }
ready() { vq_ha_ready "$1"; }
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
# Split brain: while it is paused the third leads and writes (a SoT change: a new model
# revision); resumed, the paused one has that change to write too, and must land nothing.
# Every leader write carries <Root>/writer (its id and the revision it won at) in the same
# transaction, so etcd's history names the writer of every revision.
third=${rest[0]}
[ "$third" = "$second" ] && third=${rest[1]}
etcd_revision() { ectl get vqha/leader -w json | python3 -c 'import json,sys; print(json.load(sys.stdin)["header"]["revision"])'; }
kill -STOP "${spid[$second]}"
rev_stop=$(etcd_revision)
t0=$(now_ms)
vq_wait_for 15 ready "$third" || vq_fail "server $third did not lead while $second was paused"
vq_log "SIGSTOP server $second -> server $third ready in $(( $(now_ms) - t0 )) ms"
ectl get vqha/leader --print-value-only | vq_matches "/${spid[$third]}@" ||
  vq_fail "vqha/leader does not name server $third"
sed -i 's|/files/vmlinuz|/files/vmlinuz-split|' "$sot/os/disk.yml"
third_wrote() { ectl get vqha/writer --print-value-only | vq_matches "/${spid[$third]}@"; }
vq_wait_for 10 third_wrote || vq_fail "the new leader wrote nothing after the SoT change"
sleep 1.5  # the paused one's SoT poll (1 s) has the change waiting when it resumes
kill -CONT "${spid[$second]}"
set +e
for _ in $(seq 1 100); do kill -0 "${spid[$second]}" 2>/dev/null || break; sleep 0.1; done
wait "${spid[$second]}"
rc=$?
set -e
[ "$rc" = 3 ] || vq_fail "the resumed server exited with $rc, expected 3"
grep -Eq "HA_LEADERSHIP_LOST|HA_WRITE_REFUSED" "$VQ_TMP/server$second.log" ||
  vq_fail "the resumed server did not say it lost leadership"
vq_log "the resumed server exited 3: $(grep -Eo 'HA_LEADERSHIP_LOST|HA_WRITE_REFUSED' "$VQ_TMP/server$second.log" | sed -n 1p)"
ectl get vqha/leader --print-value-only | vq_matches "/${spid[$third]}@" ||
  vq_fail "the resumed server took vqha/leader back"
ready "$third" || vq_fail "server $third stopped leading"
# etcd's history since the pause: after the third won vqha/leader, every revision that
# changed anything under vqha/ must carry vqha/writer naming the third and that win; the
# third must have written at least once (else the check saw nothing), the paused one never.
check_history() {  # FROM-REVISION NEW-LEADER-PID DEPOSED-PID
  set +e
  timeout 3 env ETCDCTL_API=3 etcdctl --endpoints="$endpoints" watch --prefix vqha/ \
    --rev="$1" -w json >"$VQ_TMP/history.json" 2>"$VQ_TMP/history.err"
  set -e
  python3 - "$VQ_TMP/history.json" "/$2@" "/$3@" <<'PY'
import base64, collections, json, sys
path, new, old = sys.argv[1], sys.argv[2], sys.argv[3]
dec = lambda s: base64.b64decode(s or "").decode("utf-8", "replace")
by_rev = collections.defaultdict(dict)  # revision -> key -> value ("" for a delete)
for line in open(path):
    line = line.strip()
    if not line.startswith("{"):
        continue
    for ev in json.loads(line).get("Events") or []:
        kv = ev["kv"]
        by_rev[int(kv["mod_revision"])][dec(kv["key"])] = dec(kv.get("value"))
won = [r for r, kvs in sorted(by_rev.items()) if new in kvs.get("vqha/leader", "")]
if not won:
    sys.exit(f"the history has no put of vqha/leader naming {new} ({len(by_rev)} revisions)")
w = won[0]
mine = 0
for r, kvs in sorted(by_rev.items()):
    if r <= w or set(kvs) <= {"vqha/leader"}:
        continue
    writer = kvs.get("vqha/writer")
    if writer is None:
        sys.exit(f"revision {r} changed {sorted(kvs)[:3]} without naming its writer")
    if old in writer:
        sys.exit(f"revision {r} was written by the deposed leader: {writer}")
    if new not in writer or not writer.endswith(f"won@{w}"):
        sys.exit(f"revision {r} was written by {writer}, not the leader that won at {w}")
    mine += 1
if mine == 0:
    sys.exit("the new leader wrote nothing after it won: the check saw no write")
print(f"history from revision {w}: {mine} revisions, all written by {new}")
PY
}
check_history $((rev_stop + 1)) "${spid[$third]}" "${spid[$second]}" ||
  vq_fail "etcd's history shows a write the new leader did not make (see above)"
vq_log "revision at SIGSTOP: $rev_stop; no write of the deposed leader in etcd's history"

# The key taken from a leader that runs on (deleted by hand): its lease lives and its
# keep-alives succeed, so only the fence keeps its writes out. The restarted first server
# takes the key; a SoT change gives both something to write: the deposed one's write is
# refused (exit 3, HA_WRITE_REFUSED), the history shows only the new leader's.
start_server "$first"
vq_wait_for 10 live "$first" || vq_fail "server $first did not restart"
rev_del=$(etcd_revision)
ectl del vqha/leader >/dev/null
vq_wait_for 10 ready "$first" || vq_fail "server $first did not take the deleted key"
sed -i 's|/files/vmlinuz-split|/files/vmlinuz-taken|' "$sot/os/disk.yml"
first_wrote() { ectl get vqha/writer --print-value-only | vq_matches "/${spid[$first]}@"; }
vq_wait_for 10 first_wrote || vq_fail "the new leader did not store the SoT change"
rc=running
for _ in $(seq 1 100); do kill -0 "${spid[$third]}" 2>/dev/null || break; sleep 0.1; done
if ! kill -0 "${spid[$third]}" 2>/dev/null; then
  set +e
  wait "${spid[$third]}"
  rc=$?
  set -e
fi
check_history $((rev_del + 1)) "${spid[$first]}" "${spid[$third]}" ||
  vq_fail "etcd's history shows a write of the leader whose key was taken (see above)"
[ "$rc" = 3 ] || vq_fail "the leader whose key was taken: $rc, expected exit 3"
grep -q HA_WRITE_REFUSED "$VQ_TMP/server$third.log" ||
  vq_fail "the leader whose key was taken did not say its write was refused"
vq_log "the leader whose key was taken exited 3 (HA_WRITE_REFUSED); no write of it in etcd's history"
third=$first  # the leader from here on
ready "$third" || vq_fail "server $third stopped leading"

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
