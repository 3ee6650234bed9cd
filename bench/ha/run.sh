#!/usr/bin/env bash
# HA failover: a three-member etcd cluster on loopback and three `vaquero server`s with
# Etcd.HA (TTL $TTL s, default 2). $KILLS times (default 10): kill -9 the leader and time
# kill -> /ready 200 on another server (polled every 20 ms), then restart the killed one as
# a standby. Prints every figure, the median and the max.
# Usage: bench/ha/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
bin=$build/vaquero
KILLS=${KILLS:-10}
TTL=${TTL:-2}
[ -x "$bin" ] || { echo "bench/ha: build vaquero first"; exit 1; }
command -v etcd >/dev/null || { echo "bench/ha: needs etcd (etcd-server)"; exit 1; }
work=$(mktemp -d -t vqha.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
source "$(dirname "$0")/../lib.sh"
free_port() { bench_free_port; }
now_ms() { date +%s%3N; }

bench_etcd_cluster 3
endpoints=$etcd_endpoints

sot=$work/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
printf 'id: lab\nsubnets:\n  - {id: net, cidr: 10.99.0.0/24, gateway: 10.99.0.1, dns: [10.99.0.2]}\nagents:\n  - name: a1\n    asset_server: {addr: 10.99.0.5, port: 8080}\n' > "$sot/sites/lab/env.yml"
printf 'name: node1\ninterfaces:\n  - {type: physical, subnet: net, mac: "52:54:00:12:34:56", ipv4: 10.99.0.10}\nworkflow: disk-only\n' > "$sot/sites/lab/inventory.yml"
printf 'id: disk\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' > "$sot/os/disk.yml"
printf 'id: disk\noperating_system: disk\n' > "$sot/boot/disk.yml"
printf 'id: disk-only\nworkflow:\n  - boot: disk\n' > "$sot/workflows/disk-only.yml"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/k.pem" -out "$work/c.pem" -days 2 \
  -subj /CN=vq -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
export VAQUERO_SERVER_SECRET=s VAQUERO_SHARED_SECRET=s
declare -a uport spid
for i in 0 1 2; do
  uport[$i]=$(free_port)
  cat > "$work/server$i.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: $(free_port), PrivateKey: $work/k.pem, PublicKey: $work/c.pem}
UserApi: {Addr: 127.0.0.1, Port: ${uport[$i]}}
SavePath: $work/state$i
SoT:
- Local: {ID: cp, Root: $sot}
Etcd: {Endpoints: [$endpoints], Root: vqbench, HA: true, TTL: $TTL}
Log: {Level: warning}
YAML
done
code() { curl -s -o /dev/null -m 1 -w '%{http_code}' "http://127.0.0.1:${uport[$1]}/$2" || true; }
start() { "$bin" server --config "$work/server$1.yaml" >>"$work/server$1.log" 2>&1 & spid[$1]=$!; pids+=($!); }
leader() {  # index of the ready server, waiting up to 30 s
  local deadline=$((SECONDS + 30)) i
  while [ $SECONDS -lt $deadline ]; do
    for i in 0 1 2; do [ "$(code $i ready)" = 200 ] && { echo "$i"; return 0; }; done
    sleep 0.02
  done
  return 1
}
sleep 2
for i in 0 1 2; do start $i; done
figures=()
for k in $(seq 1 "$KILLS"); do
  l=$(leader) || { echo "no leader"; exit 1; }
  for i in 0 1 2; do
    deadline=$((SECONDS + 20))
    until [ "$(code $i live)" = 200 ] || [ $SECONDS -ge $deadline ]; do sleep 0.05; done
  done
  t0=$(now_ms)
  kill -9 "${spid[$l]}"
  wait "${spid[$l]}" 2>/dev/null || true
  n=$(leader) || { echo "nobody took over"; exit 1; }
  ms=$(( $(now_ms) - t0 ))
  figures+=("$ms")
  echo "kill $k: server $l killed, server $n ready after $ms ms"
  start "$l"
done
sorted=$(printf '%s\n' "${figures[@]}" | sort -n)
median=$(printf '%s\n' "$sorted" | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
max=$(printf '%s\n' "$sorted" | tail -1)
echo "failover kill -9 -> /ready 200 elsewhere, TTL ${TTL}s, $KILLS kills: median ${median} ms, max ${max} ms"
