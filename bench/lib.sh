# Shared helpers for the benchmarks' run.sh; source it after setting `work` (a scratch
# directory) and `pids=()` (what the script's exit trap stops, by PID).
#   bench_free_port                 a free TCP port on 127.0.0.1
#   bench_etcd_cluster N            N etcd members on loopback, data under $work/etcd<i>;
#                                   their client URLs in $etcd_endpoints ("a, b, c"), PIDs in pids

bench_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_etcd_cluster() {
  local n=$1 i cluster=""
  local -a client peer
  etcd_endpoints=""
  for ((i = 0; i < n; i++)); do
    client[$i]=$(bench_free_port)
    peer[$i]=$(bench_free_port)
    cluster+="${cluster:+,}e$i=http://127.0.0.1:${peer[$i]}"
    etcd_endpoints+="${etcd_endpoints:+, }http://127.0.0.1:${client[$i]}"
  done
  for ((i = 0; i < n; i++)); do
    etcd --name "e$i" --data-dir "$work/etcd$i" \
      --listen-client-urls "http://127.0.0.1:${client[$i]}" \
      --advertise-client-urls "http://127.0.0.1:${client[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${peer[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --log-level error \
      >"$work/etcd$i.log" 2>&1 &
    pids+=($!)
  done
}
