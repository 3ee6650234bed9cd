#!/usr/bin/env bash
# DHCP benchmark: perfdhcp (kea-admin) full DORA exchanges against Vaquero (vq-dhcp-testd),
# ISC Kea (kea-dhcp4, memfile) and dnsmasq, in the same run, each in an identical pair of
# namespaces (veth), all with the same 10,000 static reservations. perfdhcp acts as a relay (giaddr = its own
# address) and steps through MACs 00:0c:01:02:03:04 + i, so reservation i is that MAC ->
# 10.99.0.10 + i. The offered rate is raised step by step, the servers taking turns at each
# rate; the figure is the highest rate sustained with under 0.1 % drops.
# Each step also reports the server's own CPU time (user + system, from /proc/<pid>/stat)
# per exchange: on a machine shared with other work the rate says as much about the load
# as about the server, the CPU cost per exchange much less.
# The server and perfdhcp each run in a session of their own (setsid): with the kernel's
# session autogroups, a process started from this script would otherwise share one CPU
# share with the script and with perfdhcp, and on a machine busy with other sessions the
# figures would mostly measure that split. The same holds for all three servers.
# perfdhcp gets its own core and a 4 MiB receive buffer (PIN, RCVBUF_SHIM below): on 2 cores it
# is otherwise the first to fail, whichever the server.
# Usage: bench/dhcp/run.sh <build-dir>   (root; env RATES, SECONDS_PER_STEP, HOSTS, SERVERS,
#        PIN, RCVBUF_SHIM, KEA_THREADS, PERFDHCP_ARGS)
set -euo pipefail
BUILD=${1:-build}
TESTD="$BUILD/vq-dhcp-testd"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 0; }
for t in perfdhcp kea-dhcp4 dnsmasq python3; do
  command -v $t >/dev/null || { echo "SKIP: needs $t"; exit 0; }
done
[ -x "$TESTD" ] || { echo "SKIP: $TESTD not built"; exit 0; }
HOSTS=${HOSTS:-10000}
RATES=${RATES:-"1000 5000 6000 7000 8000 9000 10000 11000 12000 13000 14000 15000 18000 20000 22000 25000 28000 30000 35000"}
STEP=${SECONDS_PER_STEP:-5}
SERVERS=${SERVERS:-"vaquero kea dnsmasq"}
TMP=$(mktemp -d -t vqbench.XXXXXX)
# perfdhcp gets a 4 MiB receive buffer (see rcvbuf_shim.c); RCVBUF_SHIM=0 runs it as shipped.
PRELOAD=
# PIN=1 (the default) runs every server on CPU 1 and perfdhcp on CPU 0 (taskset), so that
# neither takes the other's core, and perfdhcp single-threaded (-g single: on one core its
# receiver thread would only take turns with its sender). Unpinned, on 2 cores, perfdhcp is
# starved first and its own socket drops replies (the "cli" column), whichever the server.
# PIN=0 lets the scheduler place them; PERFDHCP_ARGS replaces the extra perfdhcp arguments.
SRV_CPU=(); CLI_CPU=()
if [ "${PIN:-1}" = 1 ]; then
  SRV_CPU=(taskset -c 1); CLI_CPU=(taskset -c 0); PERFDHCP_ARGS=${PERFDHCP_ARGS-"-g single"}
fi
if [ "${RCVBUF_SHIM:-1}" = 1 ]; then
  cc -O2 -shared -fPIC -o "$TMP/rcvbuf_shim.so" "$(dirname "$0")/rcvbuf_shim.c" -ldl
  PRELOAD="$TMP/rcvbuf_shim.so"
fi
# One namespace pair per server, all alike (server 10.99.0.1 on s0, perfdhcp 10.99.0.2 on
# c0), so that the three servers run side by side and take turns at each rate.
declare -A SRVNS CLINS SPID
PIDS=()
NAMESPACES=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  for n in "${NAMESPACES[@]:-}"; do [ -n "$n" ] && ip netns del "$n" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
for server in $SERVERS; do
  SRV=vqbs$$${server:0:1}; CLI=vqbc$$${server:0:1}
  SRVNS[$server]=$SRV; CLINS[$server]=$CLI
  ip netns add $SRV; NAMESPACES+=($SRV); ip netns add $CLI; NAMESPACES+=($CLI)
  ip -n $SRV link set lo up; ip -n $CLI link set lo up
  ip -n $SRV link add s0 type veth peer name c0 netns $CLI
  ip -n $SRV addr add 10.99.0.1/16 dev s0; ip -n $CLI addr add 10.99.0.2/16 dev c0
  ip -n $SRV link set s0 up; ip -n $CLI link set c0 up
done

python3 - "$TMP" "$HOSTS" "${KEA_THREADS:-0}" <<'EOP'
import json, sys
tmp, n, kea_threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def mac(i):
    v = 0x000c01020304 + i
    return ":".join("%02x" % ((v >> s) & 0xff) for s in range(40, -1, -8))
def ip(i):
    v = (10 << 24) | (99 << 16) | (10 + i)
    return ".".join(str((v >> s) & 0xff) for s in (24, 16, 8, 0))
with open(tmp + "/vaquero.yaml", "w") as f:
    f.write("interfaces: [s0]\nmode: server\ndetect_rogue: false\nlease_seconds: 3600\n")
    f.write("subnets: {lab: {cidr: 10.99.0.0/16, gateway: 10.99.0.1, dns: [10.99.0.1]}}\nhosts:\n")
    for i in range(n):
        f.write('  - {mac: "%s", ip: %s, subnet: lab}\n' % (mac(i), ip(i)))
with open(tmp + "/dnsmasq.hosts", "w") as f:
    for i in range(n):
        f.write("%s,%s\n" % (mac(i), ip(i)))
kea = {"Dhcp4": {
    "interfaces-config": {"interfaces": ["s0"], "dhcp-socket-type": "udp"},
    "lease-database": {"type": "memfile", "persist": False},  # leases in memory, as dnsmasq --leasefile-ro
    "valid-lifetime": 3600,
    # KEA_THREADS=N turns on Kea's multi-threading with N packet-processing threads
    # (Kea 2.2's default is single-threaded).
    **({"multi-threading": {"enable-multi-threading": True, "thread-pool-size": kea_threads,
                            "packet-queue-size": 64}} if kea_threads else {}),
    "subnet4": [{"id": 1, "subnet": "10.99.0.0/16",
                 "option-data": [{"name": "routers", "data": "10.99.0.1"},
                                 {"name": "domain-name-servers", "data": "10.99.0.1"}],
                 "reservations": [{"hw-address": mac(i), "ip-address": ip(i)}
                                  for i in range(n)]}],
    "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                 "output_options": [{"output": tmp + "/kea.log"}]}]}}
json.dump(kea, open(tmp + "/kea.json", "w"))
EOP

start_server() {
  local SRV=${SRVNS[$1]}
  case $1 in
    vaquero) setsid "${SRV_CPU[@]}" ip netns exec $SRV "$TESTD" --fixture "$TMP/vaquero.yaml" --quiet \
               --log-level warning >"$TMP/vaquero.out" 2>&1 & ;;
    kea) KEA_PIDFILE_DIR=$TMP KEA_LOCKFILE_DIR=$TMP setsid "${SRV_CPU[@]}" ip netns exec $SRV kea-dhcp4 \
               -c "$TMP/kea.json" >"$TMP/kea.out" 2>&1 & ;;
    dnsmasq) setsid "${SRV_CPU[@]}" ip netns exec $SRV dnsmasq --port=0 --no-daemon --bind-interfaces --interface=s0 \
               --dhcp-range=10.99.0.0,static,255.255.0.0 --dhcp-hostsfile="$TMP/dnsmasq.hosts" \
               --dhcp-lease-max=$((HOSTS * 2)) --no-ping --leasefile-ro \
               --pid-file="$TMP/dnsmasq.pid" --quiet-dhcp >"$TMP/dnsmasq.out" 2>&1 & ;;
  esac
  SPID[$1]=$!
  PIDS+=($!)
}

# server_ticks <server> -> user + system clock ticks the server has used so far
server_ticks() { awk '{print $14 + $15}' "/proc/${SPID[$1]}/stat" 2>/dev/null || echo 0; }

# rcvbuf_errors <namespace> -> UDP datagrams dropped so far because a socket's buffer was full
rcvbuf_errors() {
  ip netns exec "$1" awk '/^Udp:/ { if (!n) { for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors") c = i; n = 1 }
                                    else print $c }' /proc/net/snmp
}

# one_step <server> <rate> ->
#   "achieved_rate drops_percent cpu_us_per_exchange server_rcvbuf_drops client_rcvbuf_drops"
one_step() {
  local out t0 t1 s0 s1 c0 c1
  t0=$(server_ticks $1)
  s0=$(rcvbuf_errors ${SRVNS[$1]}); c0=$(rcvbuf_errors ${CLINS[$1]})
  out=$(timeout $((STEP + 20)) setsid "${CLI_CPU[@]}" ip netns exec ${CLINS[$1]} env LD_PRELOAD="$PRELOAD" perfdhcp -4 ${PERFDHCP_ARGS:-} -l c0 -r "$2" \
          -R "$HOSTS" -p "$STEP" -W 2000000 10.99.0.1 2>&1 || true)
  t1=$(server_ticks $1)
  s1=$(rcvbuf_errors ${SRVNS[$1]}); c1=$(rcvbuf_errors ${CLINS[$1]})
  echo "$out" >>"${PERF_LOG:-/dev/null}"
  # Late replies are awaited (-W 2 s) so that packets in flight at the end are not counted
  # as drops; the rate is completed DORA exchanges (ACKs received) per second of sending.
  python3 - "$out" "$STEP" "$((t1 - t0))" "$(getconf CLK_TCK)" "$((s1 - s0))" "$((c1 - c0))" <<'EOP'
import re, sys
out, step, ticks, hz = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lost_at = " ".join(sys.argv[5:7])
rate = re.search(r"Rate: ([0-9.]+) 4-way exchanges/second", out)
sent = [int(x) for x in re.findall(r"sent packets: (\d+)", out)]
recv = [int(x) for x in re.findall(r"received packets: (\d+)", out)]
if not rate or len(sent) < 2:
    print("0 100 0 " + lost_at); sys.exit()
drops = (sent[0] - recv[0]) + (sent[1] - recv[1])
print("%.0f %.3f %.1f %s" % (recv[1] / step, 100.0 * drops / max(1, sent[0] + sent[1]),
                             1e6 * ticks / hz / max(1, recv[1]), lost_at))
EOP
}

declare -A BEST DONE
for server in $SERVERS; do start_server $server; BEST[$server]=0; DONE[$server]=0; done
sleep 3  # Kea parses 10,000 reservations at start
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); perfdhcp receive buffer: $([ -n "$PRELOAD" ] && echo 4 MiB || echo kernel default); pinned: ${PIN:-1}; perfdhcp ${PERFDHCP_ARGS:-}"
# full-socket drops: datagrams the kernel dropped at a full receive buffer in the server's
# namespace (requests) and in perfdhcp's (replies) during the step.
printf '%-8s %8s %12s %8s %14s %22s\n' server offered exchanges/s drops% cpu-us/exchange "full-socket srv / cli"
# The servers take turns at each rate, so a change in the machine's load falls on all of
# them alike. A failed step is run once more (a passing spike of load); a second failure
# is the server's knee: higher rates only drop more.
for rate in $RATES; do
  for server in $SERVERS; do
    [ "${DONE[$server]}" = 1 ] && continue
    for try in 1 2; do
      read -r achieved drops cpu srv_full cli_full < <(one_step $server "$rate")
      printf '%-8s %8s %12s %8s %14s %22s\n' $server "$rate" "$achieved" "$drops" "$cpu" "$srv_full / $cli_full"
      if python3 -c "import sys; sys.exit(0 if float('$drops') < 0.1 else 1)"; then
        [ "${achieved%.*}" -gt "${BEST[$server]}" ] && BEST[$server]=${achieved%.*}
        break
      fi
      [ $try = 2 ] && DONE[$server]=1
    done
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "best rate with < 0.1 % drops (${HOSTS} reservations, ${STEP} s steps):"
for server in $SERVERS; do printf '  %-8s %8s exchanges/s\n' $server "${BEST[$server]}"; done
python3 -c "
v, k, d = ${BEST[vaquero]:-0}, ${BEST[kea]:-0}, ${BEST[dnsmasq]:-0}
ratios = ['vaquero/%s = %.2fx' % (name, v / peer) for name, peer in (('kea', k), ('dnsmasq', d)) if v and peer]
print('  ' + '   '.join(ratios) if ratios else '')"
