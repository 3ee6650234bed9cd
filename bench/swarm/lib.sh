# The swarm's set-up, shared by bench/swarm/run.sh and tests/system/swarm_test.sh. Source it
# after tests/system/lib.sh (vq_netns_add, vq_bg, vq_wait_for, VQ_TMP).
#   swarm_files DIR KERNEL_KB INITRD_KB       DIR/vmlinuz, DIR/initrd.img (random bytes)
#   swarm_pxeroms DIR                         undionly.kpxe and ipxe.efi from Debian's ipxe
#   swarm_net SRV_NS CLI_NS [WIRE_NS]         SRV_NS sw-s 10.99.0.1/16 <-> CLI_NS sw-c, either
#                                             direct or through WIRE_NS (vq-swarm-wire runs there)
#   swarm_wire WIRE_NS LOSS DUP DELAY JITTER  starts vq-swarm-wire (pid in SWARM_WIRE_PID)
#   swarm_machines CLI_NS LIST OUT            one macvlan per "mac ip" line of LIST on sw-c;
#                                             OUT: "ifname mac ip firmware" (ipxe, edk2, pxebios
#                                             in turn), what vq-swarm reads
#   swarm_vaquero SRV_NS SOT SAVE LOG         starts `vaquero standalone` (pid in SWARM_VQ_PID)
#   swarm_reference SRV_NS DIR MACHINES FILES PXEROMS PRERENDER_NS
#                                             dnsmasq (DHCP+TFTP) + nginx serving what
#                                             vaquero in PRERENDER_NS renders for MACHINES
#   swarm_run CLI_NS MACHINES LABEL OUT [ARGS] runs vq-swarm, prints its summary
#   swarm_neigh_raise / swarm_neigh_restore   the kernel's neighbour table limits, raised for
#                                             a run and put back by the last run that ends

SWARM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SWARM_SRV=10.99.0.1
SWARM_PORT=24602
SWARM_BUILD=${VQ_BUILD_DIR:-$(dirname "${VAQUERO_BIN:-$SWARM_DIR/../../build/vaquero}")}

swarm_files() {  # DIR KERNEL_KB INITRD_KB
  mkdir -p "$1"
  head -c $(($2 * 1024)) /dev/urandom >"$1/vmlinuz"
  head -c $(($3 * 1024)) /dev/urandom >"$1/initrd.img"
}

swarm_pxeroms() {  # DIR
  mkdir -p "$1"
  cp -L /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/ipxe.efi "$1/"
}

# No offloads on links whose frames a packet socket forwards (the wire), checksums included.
swarm_no_offload() {  # NS DEV
  ip netns exec "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

swarm_net() {  # SRV_NS CLI_NS [WIRE_NS]
  local srv=$1 cli=$2 wire=${3:-}
  vq_netns_add "$srv"
  vq_netns_add "$cli"
  # The client side holds a thousand interfaces: no IPv6 on them, replies only from the
  # interface that owns the address.
  ip netns exec "$cli" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 net.ipv4.conf.all.rp_filter=0 \
    net.ipv4.conf.default.rp_filter=0
  ip netns exec "$srv" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
    net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
  if [ -z "$wire" ]; then
    ip link add sw-s netns "$srv" type veth peer name sw-c netns "$cli"
  else
    vq_netns_add "$wire"
    ip netns exec "$wire" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add sw-s netns "$srv" type veth peer name ws netns "$wire"
    ip link add sw-c netns "$cli" type veth peer name wc netns "$wire"
    ip -n "$wire" link set ws up
    ip -n "$wire" link set wc up
    local ns_dev
    for ns_dev in "$srv:sw-s" "$cli:sw-c" "$wire:ws" "$wire:wc"; do
      swarm_no_offload "${ns_dev%%:*}" "${ns_dev#*:}"
    done
  fi
  ip -n "$srv" addr add "$SWARM_SRV/16" dev sw-s
  ip -n "$srv" link set sw-s up
  ip -n "$cli" link set sw-c up
}

swarm_wire() {  # WIRE_NS LOSS DUP DELAY_MS JITTER_MS
  vq_bg ip netns exec "$1" "$SWARM_BUILD/vq-swarm-wire" --a ws --b wc --loss "$2" --duplicate "$3" \
    --delay-ms "$4" --jitter-ms "$5" --seed $$ >"$VQ_TMP/wire-$1.log" 2>&1
  SWARM_WIRE_PID=${VQ_PIDS[-1]}
}

swarm_machines() {  # CLI_NS LIST OUT
  local cli=$1 list=$2 out=$3 i=0 fw mac ip batch=$VQ_TMP/macvlan.batch
  local kinds=(ipxe edk2 pxebios)
  : >"$out"
  : >"$batch"
  # Any macvlans of an earlier swarm go first.
  for dev in $(ip -n "$cli" -o link show type macvlan 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
    echo "link del $dev" >>"$batch"
  done
  while read -r mac ip; do
    [ -n "$mac" ] || continue
    fw=${kinds[$((i % 3))]}
    {
      echo "link add link sw-c name m$i address $mac type macvlan mode bridge bcqueuelen 10000"
      echo "addr add $ip/16 dev m$i"
      echo "link set m$i up"
    } >>"$batch"
    echo "m$i $mac $ip $fw" >>"$out"
    i=$((i + 1))
  done <"$list"
  ip -n "$cli" -batch "$batch"
}

swarm_http_ok() {  # NS URL
  ip netns exec "$1" curl -sf -m 2 -o /dev/null "$2"
}

swarm_vaquero() {  # SRV_NS SOT SAVE LOG
  mkdir -p "$3"
  cat >"$VQ_TMP/swarm-standalone.yml" <<CONF
SavePath: $3
LocalDir:
  PollInterval: 3600
SoT:
  - Local:
      ID: swarm
      Root: $2
Log:
  Level: ${SWARM_LOG_LEVEL:-warning}
CONF
  vq_bg ip netns exec "$1" "$VAQUERO_BIN" standalone --config "$VQ_TMP/swarm-standalone.yml" \
    ${HTTP_THREADS:+--http-threads "$HTTP_THREADS"} >"$4" 2>&1
  SWARM_VQ_PID=${VQ_PIDS[-1]}
  local i
  for i in $(seq 1 1200); do  # a 100,000-host SoT takes a while to load on 2 shared cores
    kill -0 "$SWARM_VQ_PID" 2>/dev/null || { tail -n 20 "$4" >&2; return 1; }
    swarm_http_ok "$1" "http://$SWARM_SRV:$SWARM_PORT/boot.ipxe" && return 0
    sleep 0.5
  done
  return 1
}

swarm_reference() {  # SRV_NS DIR MACHINES FILES PXEROMS PRERENDER_NS
  local srv=$1 dir=$2 machines=$3 files=$4 pxeroms=$5 from=$6
  local www=$dir/www
  mkdir -p "$www/ipxe" "$www/config" "$www/checkpoint" "$dir/logs" "$dir/tmp"
  ln -sfn "$files" "$www/files"
  printf '#!ipxe\nchain http://%s:%s/ipxe/${net0/mac:hexhyp}\n' "$SWARM_SRV" "$SWARM_PORT" >"$www/boot.ipxe"
  # What Vaquero renders for each machine, written once as static files.
  ip netns exec "$from" python3 - "$machines" "$www" "$SWARM_SRV:$SWARM_PORT" <<'PY'
import http.client, sys
machines, www, server = sys.argv[1], sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection(server, timeout=10)
def get(path):
    conn.request("GET", path)
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        sys.exit(f"prerender: {path} answered {r.status}")
    return body
for line in open(machines):
    ifname, mac, ip, fw = line.split()
    platform = "efi" if fw == "edk2" else "pcbios"
    open(f"{www}/ipxe/{mac.replace(':', '-')}", "wb").write(get(f"/ipxe?mac={mac}&platform={platform}"))
    open(f"{www}/config/{mac}", "wb").write(get(f"/config/{mac}"))
    open(f"{www}/checkpoint/{mac}", "w").write("provisioned: static reference answer\n")
PY
  [ $? -eq 0 ] || return 1
  chmod -R a+rX "$dir" "$files"
  cat >"$dir/nginx.conf" <<CONF
user root;
worker_processes 2;
worker_rlimit_nofile 16384;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type text/plain;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen $SWARM_SRV:$SWARM_PORT backlog=4096;
    root $www;
  }
}
CONF
  vq_bg ip netns exec "$srv" /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" 2>"$dir/logs/stderr.log"
  SWARM_NGINX_PID=${VQ_PIDS[-1]}
  awk '{print $2 "," $3}' "$machines" >"$dir/hosts"
  mkdir -p "$dir/tftp"
  cp "$pxeroms"/* "$dir/tftp/"
  local script=http://$SWARM_SRV:$SWARM_PORT/boot.ipxe
  # The stateless iPXE policy of bench/boot's reference, with limits raised for a thousand
  # clients (dnsmasq's defaults: 1,000 leases, 50 TFTP transfers at once).
  vq_bg ip netns exec "$srv" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --bind-interfaces \
    --interface=sw-s --no-ping --leasefile-ro --dhcp-lease-max=200000 \
    --dhcp-range=10.99.0.0,static,255.255.0.0,1h --dhcp-hostsfile="$dir/hosts" \
    --dhcp-match=set:ipxe,175 --dhcp-match=set:efi64,option:client-arch,7 \
    --dhcp-match=set:efi64,option:client-arch,9 --dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe,,$SWARM_SRV \
    --dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi,,$SWARM_SRV --dhcp-option=tag:ipxe,encap:175,176,1b \
    --dhcp-boot=tag:ipxe,$script --enable-tftp --tftp-root="$dir/tftp" --tftp-max=4000 \
    --pid-file="$dir/dnsmasq.pid" --log-facility="$dir/logs/dnsmasq.log" 2>"$dir/logs/dnsmasq.stderr"
  SWARM_DNSMASQ_PID=${VQ_PIDS[-1]}
  vq_wait_for 10 swarm_http_ok "$srv" "$script" || { cat "$dir/logs/"*.log >&2; return 1; }
}

swarm_run() {  # CLI_NS MACHINES LABEL OUT [vq-swarm args]
  local cli=$1 machines=$2 label=$3 out=$4
  shift 4
  ip netns exec "$cli" "$SWARM_BUILD/vq-swarm" --link sw-c --machines "$machines" --label "$label" \
    --out "$out" "$@"
}

# The neighbour table limits are one setting for every namespace, so two swarms at once share
# them: the first run saves the kernel's values, each run leaves a file named after its PID,
# and only the last one to end (no other live PID left) puts the saved values back. A run that
# restored them under another one's thousand machines made the kernel drop its neighbour
# entries ("neighbor table overflow") and the server's answers with them.
SWARM_NEIGH_DIR=/run/vq-swarm-neigh
SWARM_NEIGH_KEYS="net.ipv4.neigh.default.gc_thresh1 net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3"

swarm_neigh_raise() {
  mkdir -p "$SWARM_NEIGH_DIR"
  (
    flock 9
    if [ ! -s "$SWARM_NEIGH_DIR/saved" ]; then
      # shellcheck disable=SC2086
      sysctl -n $SWARM_NEIGH_KEYS | tr '\n' ' ' >"$SWARM_NEIGH_DIR/saved"
    fi
    : >"$SWARM_NEIGH_DIR/run.$$"
    sysctl -qw net.ipv4.neigh.default.gc_thresh1=8192 net.ipv4.neigh.default.gc_thresh2=16384 \
      net.ipv4.neigh.default.gc_thresh3=32768
  ) 9>"$SWARM_NEIGH_DIR/lock"
}

swarm_neigh_restore() {
  [ -d "$SWARM_NEIGH_DIR" ] || return 0
  (
    flock 9
    rm -f "$SWARM_NEIGH_DIR/run.$$"
    local f pid
    for f in "$SWARM_NEIGH_DIR"/run.*; do
      [ -e "$f" ] || continue
      pid=${f##*.}
      kill -0 "$pid" 2>/dev/null && exit 0  # another run still needs the raised limits
      rm -f "$f"
    done
    if [ -s "$SWARM_NEIGH_DIR/saved" ]; then
      read -r t1 t2 t3 <"$SWARM_NEIGH_DIR/saved"
      sysctl -qw net.ipv4.neigh.default.gc_thresh1="$t1" net.ipv4.neigh.default.gc_thresh2="$t2" \
        net.ipv4.neigh.default.gc_thresh3="$t3"
      rm -f "$SWARM_NEIGH_DIR/saved"
    fi
  ) 9>"$SWARM_NEIGH_DIR/lock"
}

# What `vaquero standalone` in SRV_NS received and answered (its /metrics): DHCP requests and
# replies by type, TFTP transfers by result. A DISCOVER that was never answered shows here as
# more requests than replies; one lost on the wire does not show at all.
swarm_counters() {  # SRV_NS
  ip netns exec "$1" curl -sf -m 5 "http://$SWARM_SRV:$SWARM_PORT/metrics" | awk '
    /^vaquero_dhcp_requests_total\{type="(DISCOVER|REQUEST)"\}/ ||
    /^vaquero_dhcp_replies_total\{type="(OFFER|ACK|NAK)"\}/ ||
    /^vaquero_dhcp_(datagrams_received|decode_errors|send_errors|replies_too_large)_total / ||
    /^vaquero_tftp_transfers_total\{/ {
      k = $1; sub(/^vaquero_/, "", k); gsub(/_total|"/, "", k); printf "%s%s=%s", sep, k, $2; sep = " "
    }
    END { print "" }'
}
