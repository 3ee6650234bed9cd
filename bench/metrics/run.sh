#!/usr/bin/env bash
# Metrics scrape cost: `vaquero standalone` on a generated SoT of $HOSTS hosts (default
# 100,000; bench/ipxe's generator), on loopback without DHCP/TFTP. Times $SCRAPES scrapes of
# the User API's /metrics (hosts by site, workflow and state are counted per scrape) and of
# the agent's /metrics, after warm-up traffic, with curl's own timing (connect to last byte);
# prints median and max. The goal is a scrape under 10 ms at 100,000 hosts.
# Usage: bench/metrics/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
HOSTS=${HOSTS:-100000}
SCRAPES=${SCRAPES:-50}
work=$(mktemp -d -t vqmetrics.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 "$root/bench/ipxe/gen_sot.py" "$work/sot" "$HOSTS" "$work/macs" >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port) uport=$(free_port)
cat > "$work/config.yaml" <<YAML
SavePath: "$work/state"
UserApi: {Addr: 127.0.0.1, Port: $uport}
LocalDir: {PollInterval: 60}
SoT:
- Local: {ID: bench, Root: "$work/sot"}
Log: {Level: warning, Location: stdout, Type: text}
YAML
"$build/vaquero" standalone --config "$work/config.yaml" --listen 127.0.0.1 --http-port "$port" \
  --no-boot-services > "$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$uport/ready" -o /dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$uport/ready" -o /dev/null || { cat "$work/log"; exit 1; }
head -200 "$work/macs" | while read -r mac; do
  curl -sf "http://127.0.0.1:$port/ipxe?mac=$mac" -o /dev/null
done

scrape() {  # url -> median and max in ms over $SCRAPES
  local url=$1 i
  for i in $(seq 1 "$SCRAPES"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$url"
  done | sort -g | awk '{ t[NR] = $1 * 1000 } END {
    printf "median %.2f ms, max %.2f ms", t[int((NR + 1) / 2)], t[NR] }'
}
samples=$(curl -s "http://127.0.0.1:$uport/metrics" | grep -vc '^#')
echo "hosts: $HOSTS; server samples per scrape: $samples"
echo "User API /metrics: $(scrape "http://127.0.0.1:$uport/metrics")"
echo "agent /metrics:    $(scrape "http://127.0.0.1:$port/metrics")"
