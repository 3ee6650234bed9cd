#!/usr/bin/env bash
# `vaquero standalone` on loopback under hostile HTTP clients: malformed requests (1 MiB
# header, 10,000 headers, unknown methods, Content-Length with Transfer-Encoding, bad
# percent-encoding, NULs) get a clear 4xx; a slowloris is cut off by the read timeout; 10,000
# idle or half-sent connections stay within the connection limit (descriptors and memory
# bounded) while a real client keeps getting its boot script.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 prlimit
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
abuse="$src/tests/system/http/abuse.py"

cp -r "$src/examples/vagrant-lab/local" "$VQ_TMP/sot"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/save"
SoT:
- Local:
    ID: vaquero-local
    Root: $VQ_TMP/sot
Log:
  Level: info
  Location: stdout
  Type: text
YAML

# 4096 descriptors: the connection limit becomes 4096/2 - 64 = 1984, well under the
# 10,000 connections below, so the limit (not the kernel) is what is tested.
log=$VQ_TMP/standalone.log
vq_bg prlimit --nofile=4096:4096 "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" \
  --listen 127.0.0.1 --http-port "$port" --no-boot-services >"$log" 2>&1
pid=${VQ_PIDS[-1]}
base="http://127.0.0.1:$port"
script_url="$base/ipxe?mac=00:00:00:00:00:21"
vq_wait_for 20 curl -sf "$script_url" || { cat "$log"; vq_fail "standalone did not start"; }
grep -q 'max_connections=1984' "$log" || vq_fail "connection limit not fitted to the descriptor limit"

# A real client: its boot script, whole, within 2 s.
boot_client() {
  local out
  out=$(curl -s -m 5 -w '\n%{http_code} %{time_total}' "$script_url") || vq_fail "real client: curl failed"
  printf "%s\n" "$out" | sed -n 1p | vq_matches "^#!ipxe" || vq_fail "real client: no boot script: $out"
  read -r code secs < <(printf '%s\n' "$out" | tail -1)
  [ "$code" = 200 ] || vq_fail "real client: HTTP $code"
  awk -v s="$secs" 'BEGIN { exit !(s < 2.0) }' || vq_fail "real client waited ${secs}s"
  vq_log "real client: boot script in ${secs}s"
}

# Malformed requests: each a clear answer, at once.
python3 "$abuse" requests "$port" >"$VQ_TMP/requests.out"
cat "$VQ_TMP/requests.out" >&2
expect() {  # name status...
  local name=$1; shift
  local got; got=$(awk -v n="$name" '$1 == n { print $2 }' "$VQ_TMP/requests.out")
  local s; for s in "$@"; do [ "$got" = "$s" ] && return 0; done
  vq_fail "$name answered '$got', wanted $*"
}
expect header_1MiB 431
expect headers_10000 431
expect method_unknown 405
expect method_binary 400
expect cl_and_te 400
expect te_and_cl 400
expect two_cl 400
expect cl_huge 400 413
expect chunk_bad 400
expect pct_bad_query 400
expect pct_cut_query 400
expect pct_bad_path 400 403 404
expect nul_target 400
expect nul_pct_query 400
expect nul_pct_path 400 403 404
expect nul_header 400
expect bare_lf 400
expect http_2_0 400
expect absolute_uri 400
expect binary_noise 400
awk '$3 > 2.0 { bad = 1 } END { exit bad }' "$VQ_TMP/requests.out" ||
  vq_fail "a malformed request took more than 2 s to be answered"
boot_client

# 10,000 connections, half idle and half with a header begun, held 8 s.
fds_before=$(ls /proc/"$pid"/fd | wc -l)
rss_before=$(awk '/VmRSS/ { print $2 }' /proc/"$pid"/status)
python3 "$abuse" idle "$port" 10000 8 >"$VQ_TMP/idle.out" &
idle_pid=$!
VQ_PIDS+=("$idle_pid")
vq_wait_for 30 grep -q opened "$VQ_TMP/idle.out" || vq_fail "the idle client did not connect"
opened=$(awk '/opened/ { print $2 }' "$VQ_TMP/idle.out")
[ "$opened" -ge 3000 ] || vq_skip "could only open $opened client sockets"
max_fds=0 max_rss=0
for _ in 1 2 3; do
  sleep 1
  boot_client
  f=$(ls /proc/"$pid"/fd | wc -l); [ "$f" -gt "$max_fds" ] && max_fds=$f
  r=$(awk '/VmRSS/ { print $2 }' /proc/"$pid"/status); [ "$r" -gt "$max_rss" ] && max_rss=$r
done
metrics=$(curl -sf "$base/metrics")
wait "$idle_pid" || vq_fail "idle client failed"
cat "$VQ_TMP/idle.out" >&2
vq_log "server: fds $fds_before -> $max_fds, RSS ${rss_before} -> ${max_rss} KiB"
[ "$max_fds" -le $((1984 + 64)) ] || vq_fail "$max_fds descriptors open, over the connection limit"
[ $((max_rss - rss_before)) -lt 65536 ] || vq_fail "RSS grew by $((max_rss - rss_before)) KiB"
evicted=$(printf '%s\n' "$metrics" |
  awk '/^vaquero_http_connections_closed_total\{reason="evicted"\}/ { print $2 }')
[ "${evicted:-0}" -ge $((opened - 1984)) ] || vq_fail "evicted=$evicted for $opened connections"
printf '%s\n' "$metrics" | vq_matches '^vaquero_http_connections_limit 1984' || vq_fail "no limit metric"

# A lone slowloris (no flood to evict it) is cut off by the 30 s read timeout, however
# slowly it keeps sending.
vq_bg python3 "$abuse" slowloris "$port" 45 >"$VQ_TMP/slowloris.out"
slow_pid=${VQ_PIDS[-1]}
slow_start=$SECONDS
vq_wait_for $((50 - (SECONDS - slow_start))) grep -q _after "$VQ_TMP/slowloris.out" ||
  vq_fail "slowloris client did not finish"
cat "$VQ_TMP/slowloris.out" >&2
secs=$(awk '/closed_after/ { print $2 }' "$VQ_TMP/slowloris.out")
[ -n "$secs" ] || vq_fail "the slowloris connection stayed open"
awk -v s="$secs" 'BEGIN { exit !(s >= 25 && s <= 35) }' || vq_fail "slowloris closed after ${secs}s"
wait "$slow_pid" || true

boot_client
kill -0 "$pid" || vq_fail "standalone died"
lines=$(wc -l <"$log")
[ "$lines" -lt 200 ] || vq_fail "$lines log lines: the abuse floods the log"
echo "PASS"
