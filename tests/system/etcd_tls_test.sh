#!/usr/bin/env bash
# TLS to etcd: a member that serves its clients over https and requires a client certificate
# signed by a test CA (--client-cert-auth). A server with HA: true and Etcd.CAFile/CertFile/
# KeyFile leads (/ready 200, <Root>/leader names it, its revision is stored); servers without
# a client certificate, trusting another CA, or presenting a certificate of another CA fail
# at once with exit 2 and the reason, and write nothing.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl etcd etcdctl
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

# --- a CA, the member's certificate, a client certificate; another CA and its client -----
pki=$VQ_TMP/pki
mkdir -p "$pki"
make_ca() {  # NAME
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.pem" -days 2 \
    -subj "/CN=$1" >/dev/null 2>&1
}
issue() {  # NAME CA SAN EXTENDED-KEY-USAGE
  openssl req -newkey rsa:2048 -nodes -keyout "$pki/$1.key" -out "$pki/$1.csr" -subj "/CN=$1" \
    >/dev/null 2>&1 &&
    printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$3" "$4" >"$pki/$1.ext" &&
    openssl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" -CAcreateserial \
      -days 2 -out "$pki/$1.pem" -extfile "$pki/$1.ext" >/dev/null 2>&1
}
make_ca ca && make_ca other-ca &&
  issue member ca IP:127.0.0.1 serverAuth,clientAuth &&
  issue vaquero ca DNS:vaquero clientAuth &&
  issue stranger other-ca DNS:stranger clientAuth ||
  vq_fail "openssl could not make the test PKI"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/api.key" -out "$pki/api.pem" -days 2 \
  -subj /CN=vq-api -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
  vq_fail "openssl could not make the API certificate"

# --- one etcd member: clients over TLS with client certificates --------------------------
cport=$(vq_free_port)
pport=$(vq_free_port)
endpoint=https://127.0.0.1:$cport
vq_bg etcd --name e0 --data-dir "$VQ_TMP/etcd0" \
  --listen-client-urls "$endpoint" --advertise-client-urls "$endpoint" \
  --cert-file "$pki/member.pem" --key-file "$pki/member.key" \
  --trusted-ca-file "$pki/ca.pem" --client-cert-auth \
  --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport" \
  --initial-cluster "e0=http://127.0.0.1:$pport" --initial-cluster-state new \
  --log-level error >"$VQ_TMP/etcd0.log" 2>&1
ectl() {
  ETCDCTL_API=3 etcdctl --endpoints="$endpoint" --cacert "$pki/ca.pem" --cert "$pki/vaquero.pem" \
    --key "$pki/vaquero.key" --dial-timeout=2s --command-timeout=3s "$@"
}
vq_wait_for 20 ectl endpoint health || { cat "$VQ_TMP/etcd0.log"; vq_fail "etcd over TLS did not come up"; }
# The member really refuses a client without a certificate (else the test proves nothing).
if ETCDCTL_API=3 etcdctl --endpoints="$endpoint" --cacert "$pki/ca.pem" --dial-timeout=2s \
  --command-timeout=3s get x >/dev/null 2>&1; then
  vq_fail "etcd answered a client without a certificate"
fi

# --- servers -------------------------------------------------------------------------------
sot=$VQ_TMP/sot
vq_one_stage_sot "$sot"
export VAQUERO_SERVER_SECRET=server-secret-for-tests VAQUERO_SHARED_SECRET=shared-secret-for-tests
write_config() {  # NAME ETCD-TLS-LINES
  cat >"$VQ_TMP/$1.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: $(vq_free_port), PrivateKey: $pki/api.key, PublicKey: $pki/api.pem}
UserApi: {Addr: 127.0.0.1, Port: $(vq_free_port)}
SavePath: $VQ_TMP/state-$1
SoT:
- Local: {ID: cp, Root: $sot}
Etcd:
  Endpoints: [$endpoint]
  Root: vqtls
  HA: true
  Timeout: 2
$2
Log: {Level: info, Location: stdout, Type: text}
YAML
}
user_port() { sed -n 's/^UserApi: {Addr: 127.0.0.1, Port: \([0-9]*\)}/\1/p' "$VQ_TMP/$1.yaml"; }

# A server that must be refused: exit 2 within 15 s, naming why, the reason also on stderr.
expect_refused() {  # NAME WHAT-THE-MESSAGE-SAYS
  local t0=$SECONDS rc
  set +e
  timeout 15 "$VAQUERO_BIN" server --config "$VQ_TMP/$1.yaml" >"$VQ_TMP/$1.log" 2>&1
  rc=$?
  set -e
  [ "$rc" = 2 ] || { tail -5 "$VQ_TMP/$1.log"; vq_fail "server $1 exited with $rc, expected 2"; }
  vq_matches -E "$2" "$VQ_TMP/$1.log" || { tail -5 "$VQ_TMP/$1.log"; vq_fail "server $1 did not say: $2"; }
  vq_log "server $1: exit 2 in $((SECONDS - t0)) s: $(grep -m1 -o 'vaquero server: .*' "$VQ_TMP/$1.log" | cut -c1-200)"
}

write_config no-cert "  CAFile: $pki/ca.pem"
expect_refused no-cert "tls"
write_config wrong-ca "  CAFile: $pki/other-ca.pem
  CertFile: $pki/vaquero.pem
  KeyFile: $pki/vaquero.key"
expect_refused wrong-ca "certificate refused"
write_config stranger "  CAFile: $pki/ca.pem
  CertFile: $pki/stranger.pem
  KeyFile: $pki/stranger.key"
expect_refused stranger "tls"
write_config no-such-file "  CAFile: $pki/absent.pem
  CertFile: $pki/vaquero.pem
  KeyFile: $pki/vaquero.key"
expect_refused no-such-file "absent.pem"
[ -z "$(ectl get --prefix vqtls/ --keys-only)" ] || vq_fail "a refused server wrote under vqtls/"

write_config good "  CAFile: $pki/ca.pem
  CertFile: $pki/vaquero.pem
  KeyFile: $pki/vaquero.key"
vq_bg "$VAQUERO_BIN" server --config "$VQ_TMP/good.yaml" >"$VQ_TMP/good.log" 2>&1
good_pid=${VQ_PIDS[-1]}
uport=$(user_port good)
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$uport/ready")" = 200 ]; }
vq_wait_for 30 ready || { tail -5 "$VQ_TMP/good.log"; vq_fail "the server with a client certificate did not lead"; }
ectl get vqtls/leader --print-value-only | vq_matches "/$good_pid@" ||
  vq_fail "vqtls/leader does not name the server"
has_revision() { ectl get --prefix vqtls/cp/_revisions/ --keys-only | vq_matches meta; }
vq_wait_for 10 has_revision ||
  vq_fail "no revision stored over TLS"
ectl get vqtls/writer --print-value-only | vq_matches "/$good_pid@" ||
  vq_fail "vqtls/writer does not name the server"
kill -0 "$good_pid" || vq_fail "the server died"
echo "PASS etcd_tls"
