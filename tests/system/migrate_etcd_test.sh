#!/usr/bin/env bash
# `vaquero migrate` against a real etcd member: a server's embedded store (made by running
# it) copied to etcd, back into a new embedded store and compared table by table; a second
# copy without a terminal is refused (exit 1) listing the collisions, --ovwrt overwrites; a
# SoT renamed etcd -> etcd with --del leaves nothing at the source; a broken flag rule is
# exit 2 naming it.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl etcd etcdctl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

vq_etcd_cluster 1 || vq_fail "etcd did not come up"
cport=${VQ_ETCD_ENDPOINTS##*:}
ectl() { ETCDCTL_API=3 etcdctl --endpoints="$VQ_ETCD_ENDPOINTS" "$@"; }

# A server's embedded store, as it leaves it (its revision; host records are covered by
# migrate_test with records of every kind).
sot=$VQ_TMP/sot
vq_one_stage_sot "$sot"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$VQ_TMP/k.pem" -out "$VQ_TMP/c.pem" -days 2 \
  -subj /CN=vq -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || vq_fail "openssl failed"
uport=$(vq_free_port)
cat > "$VQ_TMP/src.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: $(vq_free_port), PrivateKey: $VQ_TMP/k.pem, PublicKey: $VQ_TMP/c.pem}
UserApi: {Addr: 127.0.0.1, Port: $uport}
SavePath: $VQ_TMP/src-state
SoT:
- Local: {ID: cp, Root: $sot}
YAML
printf 'SavePath: %s\nSoT:\n- Local: {ID: cp, Root: %s}\n' "$VQ_TMP/dst-state" "$sot" > "$VQ_TMP/dst.yaml"
printf 'Etcd:\n  Endpoints: ["http://127.0.0.1:%s"]\n  Root: vqm\n' "$cport" > "$VQ_TMP/etcd.yaml"
VAQUERO_SERVER_SECRET=s VAQUERO_SHARED_SECRET=s vq_bg "$VAQUERO_BIN" server --config "$VQ_TMP/src.yaml" >"$VQ_TMP/server.log" 2>&1
server=${VQ_PIDS[-1]}
vq_wait_for 20 curl -sf "http://127.0.0.1:$uport/ready" || { cat "$VQ_TMP/server.log"; vq_fail "server not ready"; }
kill "$server"
wait "$server" || true

migrate() { "$VAQUERO_BIN" migrate "$@" </dev/null >"$VQ_TMP/out" 2>"$VQ_TMP/err"; }
expect() {  # code regex args...
  local want=$1 re=$2 got=0
  shift 2
  migrate "$@" || got=$?
  [ "$got" = "$want" ] || { cat "$VQ_TMP/out" "$VQ_TMP/err"; vq_fail "migrate $*: exit $got, expected $want"; }
  [ -z "$re" ] || grep -qE -- "$re" "$VQ_TMP/out" "$VQ_TMP/err" || { cat "$VQ_TMP/err"; vq_fail "migrate $*: no '$re'"; }
  vq_log "migrate $*: exit $got"
}

expect 2 "--dst-site needs both SoTs" --src "$VQ_TMP/src.yaml" --dst "$VQ_TMP/etcd.yaml" --src-sot cp --dst-site x
expect 0 "migrated cp -> cp" --src "$VQ_TMP/src.yaml" --dst "$VQ_TMP/etcd.yaml"
ectl get --prefix vqm/cp/ --keys-only | vq_matches "^vqm/cp/_revisions/.*/meta$" || vq_fail "no revision in etcd"
expect 1 "cp/revision 1" --src "$VQ_TMP/src.yaml" --dst "$VQ_TMP/etcd.yaml"
expect 0 "verified" --src "$VQ_TMP/src.yaml" --dst "$VQ_TMP/etcd.yaml" --ovwrt
expect 0 "verified" --src "$VQ_TMP/etcd.yaml" --dst "$VQ_TMP/dst.yaml"

# The round trip is identical, table by table (transition sequence numbers aside).
python3 - "$VQ_TMP/src-state/vaquero.db" "$VQ_TMP/dst-state/vaquero.db" <<'PY' || vq_fail "the round trip differs"
import sqlite3, sys
def dump(path):
    db = sqlite3.connect(path)
    out = {}
    for table, cols in [("host_progress", "*"), ("rollout_hosts", "*"), ("rollout_flows", "*"),
                        ("rollout_transitions", "host, time_ms, from_phase, to_phase, stage, revision, reason"),
                        ("revisions", "*")]:
        out[table] = sorted(db.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
    return out
a, b = dump(sys.argv[1]), dump(sys.argv[2])
for t in a:
    print(t, len(a[t]), "rows", "same" if a[t] == b[t] else "DIFFERENT")
assert a["revisions"], "nothing stored by the server"
sys.exit(0 if a == b else 1)
PY

expect 0 "removed cp" --src "$VQ_TMP/etcd.yaml" --dst "$VQ_TMP/etcd.yaml" --src-sot cp --dst-sot cp2 --del
[ -z "$(ectl get --prefix vqm/cp/ --keys-only)" ] || vq_fail "the source SoT is still in etcd"
ectl get --prefix vqm/cp2/ --keys-only | vq_matches "^vqm/cp2/_revisions/" || vq_fail "cp2 has no revision"
echo "PASS migrate_etcd"
