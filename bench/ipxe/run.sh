#!/usr/bin/env bash
# HTTP boot path benchmark: wrk against /ipxe?mac= (a random host of a generated
# 100,000-host SoT per request) on `vaquero standalone`, next to nginx serving a static file
# of the same size, in the same run, both on 127.0.0.1 with the same number of threads.
# Both are driven by the same wrk Lua script (a random /ipxe?mac= target per request; nginx
# ignores the query), so the client spends the same per request on either; rounds alternate
# nginx and vaquero so a change in the machine's load hits both.
# Goal: >= 50% of nginx's requests/s, p99 latency <= 2x nginx's.
# Usage: bench/ipxe/run.sh <build-dir>
#   (HOSTS, SECONDS_PER_RUN, CONNS, THREADS, ROUNDS override)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
HOSTS=${HOSTS:-100000}
DURATION=${SECONDS_PER_RUN:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
vaquero=$build/vaquero
[ -x "$vaquero" ] || { echo "bench/ipxe: build vaquero first"; exit 1; }
for tool in wrk nginx python3 curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "bench/ipxe: $tool missing"; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d -t vqipxe.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() {  # url, tries (0.5 s each)
  for _ in $(seq 1 "$2"); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
  return 1
}

python3 "$here/gen_sot.py" "$work/sot" "$HOSTS" "$work/macs.txt"
vport=$(free_port)
cat > "$work/vaquero.yaml" <<CONF
SavePath: $work/save
LocalDir:
  PollInterval: 3600
SoT:
- Local:
    ID: bench
    Root: $work/sot
Log:
  Level: warning
CONF
start=$(date +%s.%N)
"$vaquero" standalone --config "$work/vaquero.yaml" --listen 127.0.0.1 --http-port "$vport" \
  --http-threads "$THREADS" --no-boot-services > "$work/vaquero.log" 2>&1 &
pids+=($!)
first_mac=$(head -1 "$work/macs.txt")
wait_http "http://127.0.0.1:$vport/ipxe?mac=$first_mac" 600 || { cat "$work/vaquero.log"; exit 1; }
echo "vaquero: $HOSTS hosts loaded and serving after $(echo "$(date +%s.%N) - $start" | bc) s"

# A static file exactly as large as a typical /ipxe answer.
curl -s "http://127.0.0.1:$vport/ipxe?mac=$first_mac&platform=pcbios" > "$work/sample.ipxe"
size=$(stat -c %s "$work/sample.ipxe")
mkdir -p "$work/nginx/html" "$work/nginx/logs"
head -c "$size" /dev/zero | tr '\0' 'x' > "$work/nginx/html/ipxe"
# nginx workers drop privileges when started as root: let them read the document root.
chmod a+rx "$work" "$work/nginx" "$work/nginx/html" && chmod a+r "$work/nginx/html/ipxe"
nport=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $THREADS;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  default_type text/plain;
  server {
    listen 127.0.0.1:$nport;
    root $work/nginx/html;
  }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" > "$work/nginx/logs/stdout.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$nport/ipxe" 40 || { cat "$work/nginx/logs/"*; exit 1; }

run_wrk() {  # name, url, [script]
  local out="$work/wrk.$1"
  if [ -n "${3:-}" ]; then
    VQ_MACS="$work/macs.txt" wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency -s "$3" "$2" > "$out"
  else
    wrk -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --latency "$2" > "$out"
  fi
  local rps p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  non2xx=$(awk '/Non-2xx/ {print $4}' "$out")
  echo "$1 $rps $p99 ${non2xx:-0}"
}
to_ms() {  # wrk latency (e.g. 1.23ms, 850.00us, 1.02s) -> ms
  python3 -c "import sys,re; v=sys.argv[1]; n,u=re.match(r'([0-9.]+)(\D+)',v).groups(); print(float(n)*{'us':0.001,'ms':1,'s':1000,'m':60000}[u])" "$1"
}

echo "body size: $size bytes; wrk -t$THREADS -c$CONNS -d${DURATION}s; server threads/workers: $THREADS"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=()
for round in $(seq 1 "$ROUNDS"); do
  read -r _ n_rps n_p99 _ < <(run_wrk nginx "http://127.0.0.1:$nport/" "$here/ipxe.lua")
  read -r _ v_rps v_p99 v_err < <(run_wrk vaquero "http://127.0.0.1:$vport/" "$here/ipxe.lua")
  printf "round %d: %-22s %12s req/s   p99 %s\n" "$round" "nginx static file" "$n_rps" "$n_p99"
  printf "round %d: %-22s %12s req/s   p99 %s   non-2xx %s\n" "$round" "vaquero /ipxe" "$v_rps" \
    "$v_p99" "$v_err"
  results+=("$n_rps $(to_ms "$n_p99") $v_rps $(to_ms "$v_p99")")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "${results[@]}" <<'PY'
import statistics, sys
rows = [list(map(float, a.split())) for a in sys.argv[1:]]
r = statistics.median(v / n for n, _, v, _ in rows)
l = statistics.median(vl / nl for _, nl, _, vl in rows)
print(f"median throughput ratio vaquero/nginx: {r:.2f} (goal >= 0.50) {'OK' if r >= 0.5 else 'MISSED'}")
print(f"median p99 ratio vaquero/nginx: {l:.2f} (goal <= 2.00) {'OK' if l <= 2.0 else 'MISSED'}")
PY
