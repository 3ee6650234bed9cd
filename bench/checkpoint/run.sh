#!/usr/bin/env bash
# Checkpoint benchmark: how many checkpoint transitions per second `vaquero standalone`
# stores and answers over HTTP, each durable before its answer (SQLite WAL, synchronous=FULL:
# on disk, so kill -9 or a power cut loses none), against raw SQLite committing one row per
# transaction with synchronous=FULL on the same disk, in the same run.
#   $HOSTS hosts (default 400) without a BMC, a workflow of 5 stages; each round edits the
#   SoT (every host out of date: awaiting_reboot), then $CLIENTS clients (default 64)
#   checkpoint every host through its 5 stages over HTTP (each checkpoint moves the host's
#   stage and its rollout phase: two durable writes), then raw SQLite commits $RAW rows.
# Each round measures raw SQLite right before and after the HTTP side ($ROUNDS rounds, default
# 3). Goal: >= 2x raw SQLite (group commit).
# With etcd installed (STORES="sqlite etcd", the default then), a second standalone keeps its
# state in a three-member etcd cluster on loopback (data on the same disk, etcd's own fsync
# before every answer: the same promise, an answered checkpoint survives kill -9 and a power
# cut) and every round runs the same checkpoints against it right after the SQLite one.
# No root needed: loopback only.   usage: bench/checkpoint/run.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
HOSTS=${HOSTS:-400}
CLIENTS=${CLIENTS:-64}
ROUNDS=${ROUNDS:-3}
RAW=${RAW:-1000}
STAGES=5
if [ -z "${STORES:-}" ]; then
  STORES=sqlite
  command -v etcd >/dev/null && STORES="sqlite etcd"
fi
vaquero=$build/vaquero
bench=$build/vq-checkpoint-bench
for b in "$vaquero" "$bench"; do
  [ -x "$b" ] || { echo "checkpoint: build $(basename "$b") first"; exit 1; }
done
# On the build directory's disk (not a tmpfs): fsync must cost what it costs.
work=$(mktemp -d "$build/vqcheckpoint.XXXXXX")
pids=()
cleanup() {
  local p
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

sot=$work/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
printf '%s\n' 'id: lab' 'subnets:' '  - id: net' '    cidr: 10.99.0.0/16' \
  '    gateway: 10.99.0.1' '    dns: [10.99.0.1]' 'agents:' '  - name: a1' \
  '    asset_server: {addr: 127.0.0.1, port: 8080}' > "$sot/sites/lab/env.yml"
python3 - "$sot" "$HOSTS" "$work/macs" <<'PY'
import sys
sot, n, macs = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(f"{sot}/sites/lab/inventory.yml", "w") as inv, open(macs, "w") as m:
    for i in range(n):
        mac = f"52:54:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"
        m.write(mac + "\n")
        inv.write(f"---\nname: h{i}\ninterfaces:\n  - type: physical\n    subnet: net\n"
                  f"    mac: {mac}\n    ipv4: 10.99.{1 + i // 250}.{1 + i % 250}\nworkflow: five\n")
PY
os_doc() { printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/k"\ncmdline:\n  - round: "%s"\n' "$1"; }
os_doc 0 > "$sot/os/linux.yml"
printf 'id: five\nworkflow:\n' > "$sot/workflows/five.yml"
for s in $(seq 1 $STAGES); do
  printf 'id: s%s\noperating_system: linux\n' "$s" > "$sot/boot/s$s.yml"
  printf '  - boot: s%s\n' "$s" >> "$sot/workflows/five.yml"
done
source "$(dirname "$0")/../lib.sh"
free_port() { bench_free_port; }
# A three-member etcd cluster on loopback, its data on the build directory's disk.
etcd_endpoints=""
if [[ " $STORES " == *" etcd "* ]]; then
  command -v etcd >/dev/null || { echo "checkpoint: STORES has etcd, but etcd is not installed"; exit 1; }
  bench_etcd_cluster 3
fi
declare -A port uport
for store in $STORES; do
  port[$store]=$(free_port)
  uport[$store]=$(free_port)
  {
    printf 'SavePath: "%s"\nUserApi: {Addr: 127.0.0.1, Port: %s}\n' "$work/state-$store" "${uport[$store]}"
    printf 'LocalDir: {PollInterval: 1}\nLog: {Level: warning}\nSoT:\n- Local: {ID: lab, Root: "%s"}\n' "$sot"
    [ "$store" = etcd ] && printf 'Etcd: {Endpoints: [%s], Root: vqbench}\n' "$etcd_endpoints"
  } > "$work/config-$store.yaml"
  # Checkpoint handlers wait for their commit: the HTTP thread count bounds how many wait
  # together, so how many share one commit.
  "$vaquero" standalone --config "$work/config-$store.yaml" --listen 127.0.0.1 \
    --http-port "${port[$store]}" --http-threads "$CLIENTS" --no-boot-services \
    > "$work/vaquero-$store.log" 2>&1 &
  pids+=($!)
done
phase_count() {  # STORE PHASE -> how many hosts are in it
  curl -fsS "http://127.0.0.1:${uport[$1]}/plan" 2>/dev/null \
    | python3 -c 'import json,sys; print(sum(w["phases"].get(sys.argv[1],0) for w in json.load(sys.stdin)["workflows"]))' "$2" \
      2>/dev/null || echo 0
}
wait_phase() {  # STORE PHASE COUNT SECONDS
  local deadline=$((SECONDS + $4))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(phase_count "$1" "$2")" = "$3" ] && return 0
    sleep 0.2
  done
  echo "checkpoint ($1): $3 hosts never reached $2 ($(phase_count "$1" "$2") did)"; tail -5 "$work/vaquero-$1.log"
  exit 1
}
for store in $STORES; do wait_phase "$store" provisioned "$HOSTS" 60; done
echo "checkpoint: $HOSTS hosts x $STAGES stages, $CLIENTS clients, stores: $STORES; raw SQLite $RAW commits"
for r in $(seq 1 "$ROUNDS"); do
  os_doc "$r" > "$sot/os/linux.yml"
  for store in $STORES; do wait_phase "$store" awaiting_reboot "$HOSTS" 60; done
  # Raw SQLite right before and right after the HTTP side: the disk's fsync cost drifts
  # with the machine's load, so both sides are measured in the same window.
  rm -f "$work/raw.db"*
  "$bench" raw "$work/raw.db" $((RAW / 2)) > "$work/raw.$r.a"
  for store in $STORES; do
    echo -n "$store: "
    "$bench" http "${port[$store]}" "$work/macs" "$STAGES" "$CLIENTS" | tee "$work/http.$store.$r"
  done
  "$bench" raw "$work/raw.db" $((RAW / 2)) > "$work/raw.$r.b"
  for store in $STORES; do wait_phase "$store" provisioned "$HOSTS" 10; done
  secs=$(cat "$work/raw.$r.a" "$work/raw.$r.b" | sed 's/.*seconds=\([0-9.]*\).*/\1/' | paste -sd+ | bc)
  w=$(echo "scale=1; $RAW / $secs" | bc)
  echo "raw_sqlite commits=$RAW seconds=$secs per_second=$w"
  line="round $r:"
  for store in $STORES; do
    h=$(sed 's/.*per_second=//' "$work/http.$store.$r")
    line+=" $store $h/s ($(echo "scale=2; $h / $w" | bc)x raw),"
  done
  echo "$line raw sqlite $w/s, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
