#!/usr/bin/env bash
# TFTP benchmark: Vaquero's service against tftpd-hpa and atftpd serving the same directory
# from the same namespace, one server at a time, in one run.
#   1. a 64 MiB file fetched by Debian's atftp client with blksize 1468 and windowsize 16
#      (RFC 7440), best of $RUNS runs, in MiB/s;
#   2. 200 concurrent fetches of undionly.kpxe (atftp, blksize 1468, like a PXE ROM): total
#      wall time (best and median of $RUNS), the server's CPU time and the UDP receive-buffer
#      drops in its namespace; every copy must be byte-identical.
# THROUGHPUT=0 skips (1); SERVERS picks servers, vaquero:N runs Vaquero with N transfer threads,
# vaquero-nogso without UDP segmentation offload;
# VQ_LOG=<file> VQ_LOG_LEVEL=info keeps Vaquero's log (per-transfer start and duration).
# The peer servers are never installed: their .debs are unpacked into the build directory
# (tftpd-hpa and atftpd conflict with each other). Usage: bench/tftp/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-200}
[ "$(id -u)" -eq 0 ] || { echo "bench/tftp: needs root (namespaces)"; exit 0; }
for t in ip atftp md5sum apt-get dpkg-deb; do
  command -v $t >/dev/null || { echo "bench/tftp: needs $t"; exit 0; }
done
testd=$build/vq-tftp-testd
fetch=$build/vq-tftp-window-fetch   # optional: the lean client's column is empty without it
[ -x "$testd" ] || { echo "bench/tftp: build vq-tftp-testd first"; exit 1; }

# Peers, unpacked once into the build directory.
peers=$build/bench-tftp-peers
if [ ! -x "$peers/root/usr/sbin/atftpd" ] || [ ! -x "$peers/root/usr/sbin/in.tftpd" ]; then
  mkdir -p "$peers/debs" && (cd "$peers/debs" &&
    apt-get download -q -o APT::Sandbox::User=root tftpd-hpa atftpd libwrap0 >/dev/null)
  for d in "$peers"/debs/*.deb; do dpkg-deb -x "$d" "$peers/root"; done
fi
export LD_LIBRARY_PATH=$peers/root/usr/lib/x86_64-linux-gnu

work=$(mktemp -d -t vqbench.XXXXXX)
srv=vqbs$$; cli=vqbc$$
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for n in $srv $cli; do
    for p in $(ip netns pids $n 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    ip netns del $n 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
ip netns add $srv; ip netns add $cli
ip -n $srv link set lo up; ip -n $cli link set lo up
ip link add v$srv type veth peer name v$cli
ip link set v$srv netns $srv; ip link set v$cli netns $cli
ip -n $srv addr add 10.99.7.1/24 dev v$srv; ip -n $srv link set v$srv up
ip -n $cli addr add 10.99.7.2/24 dev v$cli; ip -n $cli link set v$cli up
S=10.99.7.1

root=$work/root
mkdir -p "$root" "$work/out"
head -c $((64 << 20)) /dev/urandom >"$root/big64.bin"
if [ -f /usr/lib/ipxe/undionly.kpxe ]; then cp /usr/lib/ipxe/undionly.kpxe "$root/"; else
  head -c 74213 /dev/urandom >"$root/undionly.kpxe"; fi
chmod -R a+rX "$root"; chmod a+rwx "$root"   # atftpd wants a world-writable directory
big_md5=$(md5sum <"$root/big64.bin"); kpxe_md5=$(md5sum <"$root/undionly.kpxe")

threads_arg() {  # vaquero:N: N transfer threads; vaquero-nogso: no UDP_SEGMENT (comparisons)
  case $1 in
    vaquero:*) echo "--transfer-threads ${1#vaquero:}" ;;
    vaquero-nogso) echo "--no-gso" ;;
  esac
}
start_server() {  # start_server <name>; sets pid, waits for UDP 69
  case $1 in
    vaquero*) ip netns exec $srv "$testd" --root "$root" --bind $S --port 69 \
               --no-default-fallbacks $(threads_arg "$1") --log-level "${VQ_LOG_LEVEL:-warning}" \
               >/dev/null 2>>"${VQ_LOG:-/dev/null}" & ;;
    atftpd) ip netns exec $srv "$peers/root/usr/sbin/atftpd" --daemon --no-fork --port 69 \
              --bind-address $S --user root --group root --logfile /dev/null -m 1000 \
              "$root" >/dev/null 2>&1 & ;;
    tftpd-hpa) ip netns exec $srv "$peers/root/usr/sbin/in.tftpd" -L -a $S:69 -u root \
                 -s "$root" >/dev/null 2>&1 & ;;
  esac
  pid=$!; pids+=($pid)
  for _ in $(seq 100); do
    ip netns exec $srv ss -uln 2>/dev/null | grep -q "$S:69 " && return 0
    sleep 0.05
  done
  echo "bench/tftp: $1 did not start" >&2; return 1
}
stop_server() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
udp_drops() {  # datagrams the server's namespace dropped for want of socket buffer
  ip netns exec $srv awk '/^Udp:/ && $2 ~ /^[0-9]/ {print $6}' /proc/net/snmp
}
median() { tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
cpu_ticks() {  # CPU of the server, its threads and its reaped children, in clock ticks
  awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || echo 0
}
now() { date +%s.%N; }

lean_throughput() {  # best MiB/s so far in lean[$1], with the lean windowsize client
  [ -x "$fetch" ] || return 0
  rm -f "$work/out/big.bin"
  local out
  out=$(ip netns exec $cli timeout 300 "$fetch" $S big64.bin "$work/out/big.bin" 1468 16 2>&1) || {
    echo "bench/tftp: $1: window-fetch failed: $out"; return; }
  if [ "$(md5sum <"$work/out/big.bin" 2>/dev/null)" != "$big_md5" ]; then
    echo "bench/tftp: $1: 64 MiB copy differs (window-fetch)"; return
  fi
  local v; v=$(echo "$out" | sed -n 's/.*: \([0-9.]*\) MiB\/s$/\1/p')
  lean[$1]=$(printf '%.1f' "$(echo "if ($v > ${lean[$1]:-0}) $v else ${lean[$1]:-0}" | bc -l)")
}
throughput() {  # best MiB/s so far in mibs[$1]
  rm -f "$work/out/big.bin"
  local t0 t1 v c TIMEFORMAT='%U %S'
  t0=$(now)
  # The client's own CPU time (user + system) is kept: near 100 % of the wall time means the
  # client, not the server, set the pace.
  c=$( { time ip netns exec $cli timeout 300 atftp --option "blksize 1468" \
           --option "windowsize 16" -g -r big64.bin -l "$work/out/big.bin" $S \
           >/dev/null 2>&1 || true; } 2>&1 )
  t1=$(now)
  if [ "$(md5sum <"$work/out/big.bin" 2>/dev/null)" != "$big_md5" ]; then
    echo "bench/tftp: $1: 64 MiB copy differs"; return
  fi
  v=$(echo "64 / ($t1 - $t0)" | bc -l)
  client_busy[$1]="${client_busy[$1]:+${client_busy[$1]} }$(echo "100 * (${c% *} + ${c#* }) / ($t1 - $t0)" | bc -l | xargs printf '%.0f')%"
  mibs[$1]=$(printf '%.1f' "$(echo "if ($v > ${mibs[$1]:-0}) $v else ${mibs[$1]:-0}" | bc -l)")
}
concurrent() {  # best total seconds so far in total[$1]
  rm -rf "$work/out/c"; mkdir -p "$work/out/c"
  local t0 t1 v good=0 f gate=$work/gate
  rm -f "$gate"; mkfifo "$gate"
  # Every client is started first and waits at the gate, so the clock measures 200 machines
  # asking at once rather than how fast this shell can fork.
  ip netns exec $cli bash -c '
    for i in $(seq '"$CLIENTS"'); do
      (read -r _ <'"$gate"'; exec timeout 120 atftp --option "blksize 1468" -g -r undionly.kpxe \
        -l '"$work"'/out/c/$i '"$S"' >/dev/null 2>&1) &
    done
    wait' &
  local clients=$!
  sleep 1
  local c0 d0; c0=$(cpu_ticks); d0=$(udp_drops)
  t0=$(now)
  for _ in $(seq "$CLIENTS"); do echo go; done >"$gate"
  wait $clients || true
  t1=$(now)
  drops[$1]=$(( ${drops[$1]:-0} + $(udp_drops) - d0 ))
  cpu[$1]="${cpu[$1]:+${cpu[$1]} }$(echo "($(cpu_ticks) - $c0) / $(getconf CLK_TCK)" | bc -l | xargs printf '%.2f')"
  for i in $(seq "$CLIENTS"); do
    f=$work/out/c/$i
    if [ -f "$f" ] && [ "$(md5sum <"$f")" = "$kpxe_md5" ]; then good=$((good + 1)); else
      echo "bench/tftp: $1: client $i: $(stat -c %s "$f" 2>/dev/null || echo no) bytes" >&2; fi
  done
  if [ "$good" -ne "$CLIENTS" ]; then
    echo "bench/tftp: $1: only $good of $CLIENTS concurrent fetches identical"; bad=1; return
  fi
  v=$(echo "$t1 - $t0" | bc -l)
  last[$1]=$(printf '%.2f' "$v")
  all[$1]="${all[$1]:+${all[$1]} }${last[$1]}"
  total[$1]=$(printf '%.2f' "$(echo "if (${total[$1]:-0} == 0 || $v < ${total[$1]:-0}) $v else ${total[$1]:-0}" | bc -l)")
}

# Rounds interleave the servers so that load from elsewhere on the machine hits all alike.
declare -A mibs client_busy lean total cpu last all drops
bad=0
servers=${SERVERS:-vaquero atftpd tftpd-hpa}
for r in $(seq "$RUNS"); do
  for s in $servers; do
    start_server $s
    [ "${THROUGHPUT:-1}" = 0 ] || { throughput $s; lean_throughput $s; }
    concurrent $s
    stop_server
  done
  echo "round $r (this round's $CLIENTS-client time): $(for s in $servers; do
    printf '%s %s s; ' $s "${last[$s]:-?}"; done) load $(cut -d' ' -f1 /proc/loadavg)"
done

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; best of $RUNS rounds"
echo "| server | 64 MiB, blksize 1468, windowsize 16: atftp client (its CPU busy, per round) | same, window-fetch client | $CLIENTS concurrent: best / median | server CPU per concurrent run | receive-buffer drops |"
echo "|---|---|---|---|---|---|"
for s in $servers; do
  echo "| $s | ${mibs[$s]:-} MiB/s (${client_busy[$s]:-}) | ${lean[$s]:-} MiB/s | ${total[$s]} / $(echo "${all[$s]}" | median) s | ${cpu[$s]} s | ${drops[$s]} |"
done
echo
[ -n "${mibs[vaquero]:-}" ] && [ -n "${total[atftpd]:-}" ] && [ -n "${total[tftpd-hpa]:-}" ] || {
  [ "$bad" -eq 0 ]; exit; }
echo "throughput (atftp client): vaquero/atftpd = $(ratio "${mibs[vaquero]}" "${mibs[atftpd]}")x," \
  "vaquero/tftpd-hpa = $(ratio "${mibs[vaquero]}" "${mibs[tftpd-hpa]}")x"
[ -z "${lean[vaquero]:-}" ] || [ -z "${lean[atftpd]:-}" ] ||
  echo "throughput (window-fetch client): vaquero/atftpd = $(ratio "${lean[vaquero]}" "${lean[atftpd]}")x," \
    "vaquero/tftpd-hpa = $(ratio "${lean[vaquero]}" "${lean[tftpd-hpa]:-1}")x"
echo "concurrent: vaquero time / atftpd = $(ratio "${total[vaquero]}" "${total[atftpd]}")," \
  "/ tftpd-hpa = $(ratio "${total[vaquero]}" "${total[tftpd-hpa]}")"
[ "$bad" -eq 0 ] || exit 1
