# Shared helpers for system tests; source it first thing.
#   vq_require_root; vq_require_tools udhcpc dhclient ...   skip (77), or fail with CI=true
#   ns=$(vq_netns_name srv)    unique per run; vq_netns_add "$ns"  (deleted at exit)
#   vq_bg <cmd...>             starts a background process, remembered by PID, killed at exit
#   vq_wait_for <secs> <cmd...> polls a condition, bounded in time
# Tests only address loopback or namespaces they created, inside 10.99.0.0/16.
set -euo pipefail

VQ_TMP=$(mktemp -d -t vqsys.XXXXXX)
VQ_PIDS=()
VQ_NETNS=()

vq_log() { printf '%(%T)T %s\n' -1 "$*" >&2; }
# A skip on a developer's machine (exit 77, ctest shows it) is a failure under CI=true: CI
# installs every tool and runs as root, so a skip there would mean the test proved nothing.
vq_skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL (CI=true, would skip): $*" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}
vq_fail() { echo "FAIL: $*" >&2; exit 1; }
# `grep -q` for the end of a pipeline: it reads its input to the end, so under pipefail the
# writer is never killed by SIGPIPE when the match comes early (which failed tests at random).
vq_matches() { grep "$@" >/dev/null; }

vq_cleanup() {
  local p
  for p in "${VQ_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${VQ_PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  local n
  for n in "${VQ_NETNS[@]:-}"; do
    [ -n "$n" ] || continue
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  [ -n "${VQ_KEEP:-}" ] || rm -rf "$VQ_TMP"
}
trap vq_cleanup EXIT

vq_require_root() { [ "$(id -u)" -eq 0 ] || vq_skip "needs root (network namespaces)"; }
vq_require_tools() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || vq_skip "needs $t (make deps installs it)"; done
}

# Short unique names: interface names are limited to 15 characters.
vq_netns_name() { echo "vq${1}$$"; }
vq_netns_add() { ip netns add "$1"; VQ_NETNS+=("$1"); ip -n "$1" link set lo up; }

vq_bg() { "$@" & VQ_PIDS+=($!); }

vq_wait_for() {
  local secs=$1; shift
  local deadline=$((SECONDS + secs))
  while [ $SECONDS -lt $deadline ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

# A free TCP port on loopback (the kernel picks it; a race with another binder is possible but
# harmless here: the test fails to start and says so).
vq_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A test CA and a server certificate it signs for the addresses SAN names (e.g.
# "IP:127.0.0.1,IP:10.99.0.1"): DIR/ca.pem, DIR/server.key, DIR/server.pem (valid 2 days).
# Usage: vq_test_pki DIR SAN
vq_test_pki() {
  local dir=$1 san=$2
  mkdir -p "$dir"
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=vq-test-ca
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=vq-server
    printf 'subjectAltName=%s\n' "$san" >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
      -out server.pem -extfile server.ext
  ) >/dev/null 2>&1 || vq_fail "openssl could not make the test PKI"
}

# The small two-stage SoT (installer, then disk) of the workflow tests: site `lab`, host
# node1 with MAC $2 at 10.99.0.10, workflow install-then-disk. Usage: vq_two_stage_sot DIR MAC
vq_two_stage_sot() {
  local sot=$1 mac=$2 os
  mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
  cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.2]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080}
YAML
  cat > "$sot/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - type: physical
    subnet: net
    mac: $mac
    ipv4: 10.99.0.10
workflow: install-then-disk
YAML
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
}

# The one-stage SoT (disk-only) of the store tests: site `lab`, host node1
# (52:54:00:12:34:56, 10.99.0.10). Usage: vq_one_stage_sot DIR
vq_one_stage_sot() {
  local sot=$1
  mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
  printf 'id: lab\nsubnets:\n  - {id: net, cidr: 10.99.0.0/24, gateway: 10.99.0.1, dns: [10.99.0.2]}\nagents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n' \
    >"$sot/sites/lab/env.yml"
  printf 'name: node1\ninterfaces:\n  - {type: physical, subnet: net, mac: "52:54:00:12:34:56", ipv4: 10.99.0.10}\nworkflow: disk-only\n' \
    >"$sot/sites/lab/inventory.yml"
  printf 'id: disk\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' >"$sot/os/disk.yml"
  printf 'id: disk\noperating_system: disk\n' >"$sot/boot/disk.yml"
  printf 'id: disk-only\nworkflow:\n  - boot: disk\n' >"$sot/workflows/disk-only.yml"
}

# An etcd cluster of N members on loopback ports, in the test's temporary directory, stopped
# with the test (by PID). Sets VQ_ETCD_ENDPOINTS (comma-separated client URLs) and
# VQ_ETCD_PIDS (one per member); waits until it is healthy. Usage: vq_etcd_cluster N
vq_etcd_cluster() {
  local n=$1 i cluster=""
  local -a client peer
  VQ_ETCD_ENDPOINTS=""
  VQ_ETCD_PIDS=()
  for ((i = 0; i < n; i++)); do
    client[$i]=$(vq_free_port)
    peer[$i]=$(vq_free_port)
    cluster+="${cluster:+,}e$i=http://127.0.0.1:${peer[$i]}"
  done
  for ((i = 0; i < n; i++)); do
    vq_bg etcd --name "e$i" --data-dir "$VQ_TMP/etcd$i" \
      --listen-client-urls "http://127.0.0.1:${client[$i]}" \
      --advertise-client-urls "http://127.0.0.1:${client[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token vqtest \
      --heartbeat-interval 50 --election-timeout 500 --log-level error >"$VQ_TMP/etcd$i.log" 2>&1
    VQ_ETCD_PIDS+=("${VQ_PIDS[-1]}")
    VQ_ETCD_ENDPOINTS+="${VQ_ETCD_ENDPOINTS:+,}http://127.0.0.1:${client[$i]}"
  done
  vq_wait_for 20 env ETCDCTL_API=3 etcdctl --endpoints="$VQ_ETCD_ENDPOINTS" --dial-timeout=2s \
    --command-timeout=3s endpoint health
}

# An HA server group on the cluster vq_etcd_cluster started: vq_ha_servers N ROOT SOT PKI
# writes $VQ_TMP/server<i>.yaml for servers 0..N-1 (HA, TTL 2 s, etcd Root ROOT, a local SoT
# `cp` at SOT, then the SoT[] lines in VQ_HA_MORE_SOTS if set, the ServerAPI certificate
# PKI/server.pem and key PKI/server.key) and sets
# sport[i] and uport[i], their ServerAPI and User API ports. vq_ha_start I starts server I
# (appending to $VQ_TMP/server<I>.log) and sets spid[I]. vq_ha_ready I: its /ready says 200.
vq_ha_servers() {
  local n=$1 root=$2 sot=$3 pki=$4 i
  declare -g -a sport=() uport=() spid=()
  for ((i = 0; i < n; i++)); do
    sport[$i]=$(vq_free_port)
    uport[$i]=$(vq_free_port)
    cat > "$VQ_TMP/server$i.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: ${sport[$i]}, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: ${uport[$i]}}
SavePath: $VQ_TMP/state$i
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: cp, Root: $sot}
${VQ_HA_MORE_SOTS:-}
Etcd:
  Endpoints: [${VQ_ETCD_ENDPOINTS//,/, }]
  Root: $root
  HA: true
  TTL: 2
Log: {Level: info, Location: stdout, Type: text}
YAML
  done
}
vq_ha_start() {
  vq_bg "$VAQUERO_BIN" server --config "$VQ_TMP/server$1.yaml" >>"$VQ_TMP/server$1.log" 2>&1
  spid[$1]=${VQ_PIDS[-1]}
}
vq_ha_ready() {
  [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${uport[$1]}/ready")" = 200 ]
}

[ -n "${VAQUERO_BIN:-}" ] || VAQUERO_BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/vaquero"
