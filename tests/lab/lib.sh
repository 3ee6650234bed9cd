# The QEMU lab: real firmware PXE-boots a small Linux through Vaquero (or a reference stack).
# Source it after tests/system/lib.sh (it sources that itself when needed). Pieces:
#   lab_require                     root, tools, firmware; exit 77 when something is missing
#   lab_prepare_files DIR           DIR/vmlinuz (Debian's, cached) + DIR/initrd.gz (built now)
#   lab_net_flat NS                 NS: br0 10.99.0.1/24 + tap0 + RA-only dnsmasq
#   lab_net_proxy NS NSD            flat + NSD: an address-only dnsmasq at 10.99.0.2
#   lab_net_relay NS NSR            NS: br0 10.99.0.1; NSR: router 10.99.0.254 <-> 10.99.1.1 (tap0),
#                                   dhcrelay to 10.99.0.1, RA on the client side
#   lab_ref_start NS DIR            reference stack: dnsmasq DHCP+TFTP + python http.server
#   lab_services_start NS MODE     Vaquero's DHCP + TFTP test drivers + the python HTTP server
#   lab_qemu NAME bios|uefi MAC NS  boots one VM (timeout), serial -> $VQ_TMP/NAME.serial
#   lab_qemu_args FW MAC TAP VARS   that VM's QEMU command line, in LAB_QEMU_ARGS
#   lab_timeline NAME MAC LOG...    prints a boot timeline from time-stamped logs
# Every log written here is time-stamped per line (epoch seconds) so that timelines can be
# assembled from several processes. Tests address only the namespaces they create.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_ROOT=$(cd "$LAB_DIR/../.." && pwd)
declare -F vq_bg >/dev/null || source "$LAB_ROOT/tests/system/lib.sh"

LAB_CACHE=${VQ_LAB_CACHE:-/var/cache/vaquero-lab}
LAB_SRV=10.99.0.1
LAB_PORT=24602
LAB_QEMU_TIMEOUT=${LAB_QEMU_TIMEOUT:-180}
LAB_OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
LAB_OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
# Serial console lines after which a network boot cannot succeed any more.
LAB_BOOT_FAILED='No more network devices|No bootable device|failed to load Boot[0-9A-F]+ "UEFI PXEv4'
# Lab hosts, mirroring examples/lab/sites/lab/inventory.yml: name mac ipv4 role.
LAB_HOSTS=(
  "lab-bios 52:54:00:00:99:11 10.99.0.11 web"
  "lab-uefi 52:54:00:00:99:12 10.99.0.12 db"
  "lab-bios-relay 52:54:00:00:99:21 10.99.1.21 web"
  "lab-uefi-relay 52:54:00:00:99:22 10.99.1.22 db"
)
# Modules the guest needs, in load order (e1000 for BIOS guests, virtio-net for UEFI guests).
LAB_MODULES=(
  drivers/net/ethernet/intel/e1000/e1000
  drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
  drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci
  net/core/failover drivers/net/net_failover drivers/net/virtio_net
)

lab_host() {  # lab_host NAME FIELD(mac|ip|role)
  local h name mac ip role
  for h in "${LAB_HOSTS[@]}"; do
    read -r name mac ip role <<<"$h"
    [ "$name" = "$1" ] || continue
    case $2 in mac) echo "$mac" ;; ip) echo "$ip" ;; role) echo "$role" ;; esac
    return 0
  done
  return 1
}

lab_require() {
  vq_require_root
  vq_require_tools qemu-system-x86_64 dnsmasq busybox python3 timeout gzip dpkg-deb apt-get "$@"
  [ -r "$LAB_OVMF_CODE" ] && [ -r "$LAB_OVMF_VARS" ] || vq_skip "needs OVMF (package ovmf)"
  [ -r /usr/lib/ipxe/undionly.kpxe ] && [ -r /usr/lib/ipxe/ipxe.efi ] || vq_skip "needs package ipxe"
  [ -r /usr/share/qemu/pxe-e1000.rom ] || [ -r /usr/lib/ipxe/qemu/pxe-e1000.rom ] ||
    vq_skip "needs package ipxe-qemu"
  [ -c /dev/net/tun ] || { mkdir -p /dev/net && mknod /dev/net/tun c 10 200; } ||
    vq_skip "needs /dev/net/tun"
}

# --- time-stamped logs ------------------------------------------------------------------------
# Reads lines on stdin and writes "EPOCH line"; used as `cmd > >(lab_stamp FILE) 2>&1`.
lab_stamp() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    printf '%s %s\n' "$EPOCHREALTIME" "${line//$'\r'/}"
  done >>"$1"
}

# --- kernel and initramfs ---------------------------------------------------------------------
# Debian's current kernel package, resolved each time (its ABI name changes with updates).
lab_kernel_pkg() {
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
  fi
  echo "$pkg"
}

# Sets LAB_KDIR to a directory holding vmlinuz and modules/<path>.ko, fetching the package
# with `apt-get download` (never installed) the first time; later runs reuse the cache.
lab_kernel() {
  local pkg kdir
  pkg=$(lab_kernel_pkg)
  if [ -n "$pkg" ] && [ -r "$LAB_CACHE/kernel/$pkg/vmlinuz" ]; then
    LAB_KDIR=$LAB_CACHE/kernel/$pkg
    return 0
  fi
  mkdir -p "$LAB_CACHE/kernel"
  if [ -n "$pkg" ]; then
    (
      # Several tests may start at once: one downloads, the others wait for it.
      flock -w 300 9 || exit 1
      [ -r "$LAB_CACHE/kernel/$pkg/vmlinuz" ] && exit 0
      local work
      work=$(mktemp -d "$LAB_CACHE/kernel/.fetch.XXXXXX")
      trap 'rm -rf "$work"' EXIT
      cd "$work" || exit 1
      vq_log "lab: fetching $pkg (apt-get download, not installed)"
      apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1 || exit 1
      local globs=(./boot/vmlinuz-*) m
      for m in "${LAB_MODULES[@]}"; do globs+=("./lib/modules/*/kernel/$m.ko*"); done
      dpkg-deb --fsys-tarfile "$pkg"_*.deb | tar -x --wildcards "${globs[@]}" || exit 1
      mkdir -p out/modules
      cp boot/vmlinuz-* out/vmlinuz
      for m in "${LAB_MODULES[@]}"; do
        local f
        f=$(ls lib/modules/*/kernel/"$m".ko* 2>/dev/null | head -n1)
        [ -n "$f" ] || { echo "lab: $m missing from $pkg" >&2; exit 1; }
        case $f in
        *.xz) xz -dc "$f" >"out/modules/$(basename "$m").ko" ;;
        *.zst) zstd -qdc "$f" >"out/modules/$(basename "$m").ko" ;;
        *) cp "$f" "out/modules/$(basename "$m").ko" ;;
        esac
      done
      rm -rf "$LAB_CACHE/kernel/$pkg"
      mv out "$LAB_CACHE/kernel/$pkg"
    ) 9>"$LAB_CACHE/kernel/.lock" || true
  fi
  if [ -n "$pkg" ] && [ -r "$LAB_CACHE/kernel/$pkg/vmlinuz" ]; then
    LAB_KDIR=$LAB_CACHE/kernel/$pkg
    return 0
  fi
  # Offline: any kernel fetched before will do.
  kdir=$(ls -d "$LAB_CACHE"/kernel/linux-image-*/ 2>/dev/null | sort -V | tail -n1)
  [ -n "$kdir" ] && [ -r "$kdir/vmlinuz" ] || vq_skip "no guest kernel: apt-get download of Debian's linux-image failed"
  LAB_KDIR=${kdir%/}
}

# Builds the busybox initramfs (never committed: it is made here, at test time).
lab_initramfs() {  # lab_initramfs OUT.gz
  local out=$1 stage m
  stage=$(mktemp -d "$VQ_TMP/initramfs.XXXXXX")
  mkdir -p "$stage/bin" "$stage/lib/modules"
  cp /bin/busybox "$stage/bin/busybox"
  cp "$LAB_DIR/init.sh" "$stage/init"
  cp "$LAB_DIR/udhcpc.script" "$stage/bin/udhcpc.script"
  chmod 755 "$stage/init" "$stage/bin/udhcpc.script"
  : >"$stage/lib/modules/order"
  for m in "${LAB_MODULES[@]}"; do
    cp "$LAB_KDIR/modules/$(basename "$m").ko" "$stage/lib/modules/"
    basename "$m" >>"$stage/lib/modules/order"
  done
  (cd "$stage" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp.$$"
  mv "$out.tmp.$$" "$out"
  rm -rf "$stage"
}

# The iPXE binaries a TFTP root needs, as plain files (Debian's ipxe.efi is a symlink into
# /boot, which a confined TFTP server rightly refuses to follow).
lab_pxeroms() {  # lab_pxeroms DIR
  mkdir -p "$1"
  cp -L /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/ipxe.efi "$1/"
}

# DIR/vmlinuz and DIR/initrd.gz: what every lab OS serves from /files (and the TFTP root the
# committed lab SoT names, next to DIR).
lab_prepare_files() {  # lab_prepare_files DIR
  mkdir -p "$1"
  lab_pxeroms "$(dirname "$1")/pxeroms"
  lab_kernel
  cp "$LAB_KDIR/vmlinuz" "$1/vmlinuz.tmp.$$" && mv "$1/vmlinuz.tmp.$$" "$1/vmlinuz"
  lab_initramfs "$1/initrd.gz"
}

# --- networks ----------------------------------------------------------------------------------
# RA-only dnsmasq: without a router advertisement every iPXE stage waits ~13 s for IPv6.
# It binds only the ICMPv6 raw socket, never UDP 67.
lab_ra() {  # lab_ra NS IFACE
  vq_bg ip netns exec "$1" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --bind-interfaces \
    --interface="$2" --pid-file="$VQ_TMP/ra-$1.pid" --enable-ra --dhcp-range=::,constructor:"$2",ra-only \
    --log-facility=- > >(lab_stamp "$VQ_TMP/ra-$1.log") 2>&1
}

lab_bridge() {  # lab_bridge NS BR ADDR6 [ADDR4/24]
  ip -n "$1" link add "$2" type bridge
  ip -n "$1" link set "$2" up
  ip -n "$1" addr add "$3" dev "$2" nodad
  [ -z "${4:-}" ] || ip -n "$1" addr add "$4" dev "$2"
}

lab_tap() {  # lab_tap NS BR [TAP]
  local tap=${3:-tap0}
  ip -n "$1" tuntap add dev "$tap" mode tap
  ip -n "$1" link set "$tap" master "$2"
  ip -n "$1" link set "$tap" up
}

lab_net_flat() {  # lab_net_flat NS
  vq_netns_add "$1"
  lab_bridge "$1" br0 fd99::1/64 "$LAB_SRV/24"
  lab_tap "$1" br0
  lab_ra "$1" br0
  LAB_TAP_NS=$1
}

# An address-only DHCP server (the "corporate" one) next to Vaquero in proxy mode. Like the
# original lab's dnsmasq-iponly.conf, it hands each known MAC its inventory address.
lab_net_proxy() {  # lab_net_proxy NS NSD
  lab_net_flat "$1"
  vq_netns_add "$2"
  local a=vd$$ b=vdb$$ h name mac ip role args=()
  ip link add "$a" type veth peer name "$b"
  ip link set "$a" netns "$2"
  ip link set "$b" netns "$1"
  ip -n "$1" link set "$b" master br0
  ip -n "$1" link set "$b" up
  ip -n "$2" link set "$a" up
  ip -n "$2" addr add 10.99.0.2/24 dev "$a"
  for h in "${LAB_HOSTS[@]}"; do
    read -r name mac ip role <<<"$h"
    args+=(--dhcp-host="$mac,$ip")
  done
  vq_bg ip netns exec "$2" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --bind-interfaces \
    --interface="$a" --dhcp-range=10.99.0.0,static,255.255.255.0,1h --no-ping --log-dhcp \
    --dhcp-leasefile="$VQ_TMP/addr-only.leases" --pid-file="$VQ_TMP/addr-only.pid" "${args[@]}" \
    --log-facility=- > >(lab_stamp "$VQ_TMP/addr-only.log") 2>&1
}

# Hosts on 10.99.1.0/24 behind a router namespace running ISC dhcrelay towards 10.99.0.1.
lab_net_relay() {  # lab_net_relay NS NSR
  vq_netns_add "$1"
  vq_netns_add "$2"
  lab_bridge "$1" br0 fd99::1/64 "$LAB_SRV/24"
  local a=vr$$ b=vrb$$
  ip link add "$a" type veth peer name "$b"
  ip link set "$a" netns "$2"
  ip link set "$b" netns "$1"
  ip -n "$1" link set "$b" master br0
  ip -n "$1" link set "$b" up
  ip -n "$1" route add 10.99.1.0/24 via 10.99.0.254
  ip -n "$2" link set "$a" up
  ip -n "$2" addr add 10.99.0.254/24 dev "$a"
  lab_bridge "$2" br1 fd99:1::1/64 10.99.1.1/24
  lab_tap "$2" br1
  ip netns exec "$2" sysctl -qw net.ipv4.ip_forward=1
  lab_ra "$2" br1
  vq_bg ip netns exec "$2" dhcrelay -4 -d -pf "$VQ_TMP/dhcrelay.pid" -id br1 -iu "$a" "$LAB_SRV" \
    > >(lab_stamp "$VQ_TMP/dhcrelay.log") 2>&1
  LAB_TAP_NS=$2
}

# Stops every process and deletes every namespace started so far (between two scenarios of
# one test), and sets the logs aside so the next scenario's checks see only its own lines.
lab_stop_all() {
  local p n f
  for p in "${VQ_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  for p in "${VQ_PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
  for n in "${VQ_NETNS[@]:-}"; do
    [ -n "$n" ] || continue
    for p in $(ip netns pids "$n" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  VQ_PIDS=()
  VQ_NETNS=()
  LAB_ROUND=$((${LAB_ROUND:-0} + 1))
  for f in "$VQ_TMP"/*.log; do [ -e "$f" ] && mv "$f" "${f%.log}.$LAB_ROUND.old"; done
  return 0
}

# --- reference stack: dnsmasq (DHCP + TFTP) + python http.server ------------------------------
# Serves what Vaquero would: /boot.ipxe chains to a per-host /ipxe/<mac> script, /files/,
# /config/<mac> (the rendered config, written here by hand) and /checkpoint/<mac>.
lab_ref_config() {  # lab_ref_config NAME
  local mac ip role
  mac=$(lab_host "$1" mac)
  ip=$(lab_host "$1" ip)
  role=$(lab_host "$1" role)
  cat <<EOF
# Vaquero lab config for $1 (boot lab-boot)
VQ_HOST=$1
VQ_MAC=$mac
VQ_IPV4=$ip
VQ_ROLE=$role
VQ_SITE=lab
VQ_CHECKPOINT=http://$LAB_SRV:$LAB_PORT/checkpoint/$mac
EOF
}

lab_ref_start() {  # lab_ref_start NS FILESDIR [full|proxy|relay]
  lab_ref_http "$1" "$2"
  lab_ref_dnsmasq "$1" "${3:-full}"
}

# The HTTP half of the reference stack alone (also used in front of Vaquero's own DHCP and
# TFTP services by qemu_services_test).
lab_ref_http() {  # lab_ref_http NS FILESDIR
  local ns=$1 www=$VQ_TMP/ref-www url=http://$LAB_SRV:$LAB_PORT h name mac ip role
  mkdir -p "$www/ipxe" "$www/config" "$www/checkpoint" "$VQ_TMP/ref-tftp"
  ln -sfn "$2" "$www/files"
  cp /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/ipxe.efi "$VQ_TMP/ref-tftp/"
  printf '#!ipxe\nchain http://%s:%s/ipxe/${net0/mac:hexhyp}\n' "$LAB_SRV" "$LAB_PORT" >"$www/boot.ipxe"
  for h in "${LAB_HOSTS[@]}"; do
    read -r name mac ip role <<<"$h"
    cat >"$www/ipxe/${mac//:/-}" <<EOF
#!ipxe
kernel $url/files/vmlinuz initrd=initrd.gz console=ttyS0 panic=-1 vq.host=$name vq.config=$url/config/$mac?boot=lab-boot
initrd $url/files/initrd.gz
boot
EOF
    lab_ref_config "$name" >"$www/config/$mac"
    echo ok >"$www/checkpoint/$mac"
  done
  cat >"$VQ_TMP/ref-httpd.py" <<EOF
import functools, http.server, sys
class H(http.server.SimpleHTTPRequestHandler):
    def log_message(self, f, *a):
        sys.stdout.write("http " + (f % a) + "\n")
        sys.stdout.flush()
http.server.ThreadingHTTPServer(("$LAB_SRV", $LAB_PORT),
    functools.partial(H, directory="$www")).serve_forever()
EOF
  vq_bg ip netns exec "$ns" python3 -u "$VQ_TMP/ref-httpd.py" > >(lab_stamp "$VQ_TMP/ref-http.log") 2>&1
  vq_wait_for 10 ip netns exec "$ns" python3 -c \
    "import urllib.request; urllib.request.urlopen('http://$LAB_SRV:$LAB_PORT/boot.ipxe', timeout=1)" ||
    vq_fail "reference HTTP server did not start"
}

lab_ref_dnsmasq() {  # lab_ref_dnsmasq NS full|proxy|relay
  local ns=$1 mode=$2 dhcp=() h name mac ip role args=()
  for h in "${LAB_HOSTS[@]}"; do
    read -r name mac ip role <<<"$h"
    args+=(--dhcp-host="$mac,$ip")
  done
  local script=http://$LAB_SRV:$LAB_PORT/boot.ipxe
  case $mode in
  full | relay)
    # Stateless policy: firmware PXE gets an iPXE binary by TFTP, iPXE gets the script URL;
    # 175.176=1 tells iPXE not to wait for proxyDHCP offers. Relayed requests match the
    # 10.99.1.0/24 range by giaddr.
    dhcp=(--dhcp-range=10.99.0.0,static,255.255.255.0,1h --dhcp-range=10.99.1.0,static,255.255.255.0,1h
      --dhcp-option=10.99.1.0/24,option:router,10.99.1.1 "${args[@]}"
      --dhcp-match=set:ipxe,175 --dhcp-match=set:efi64,option:client-arch,7
      --dhcp-match=set:efi64,option:client-arch,9 --dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe,,$LAB_SRV
      --dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi,,$LAB_SRV --dhcp-option=tag:ipxe,encap:175,176,1b
      --dhcp-boot=tag:ipxe,$script)
    ;;
  proxy)
    # proxyDHCP next to the address-only server of lab_net_proxy (ports 67 and 4011).
    dhcp=(--dhcp-range=10.99.0.0,proxy,255.255.255.0 --dhcp-userclass=set:ipxe,iPXE --pxe-prompt=proxy,0
      --pxe-service=tag:!ipxe,x86PC,chain,undionly.kpxe --pxe-service=tag:!ipxe,X86-64_EFI,chain,ipxe.efi
      --pxe-service=tag:ipxe,x86PC,script,$script --pxe-service=tag:ipxe,X86-64_EFI,script,$script)
    ;;
  esac
  vq_bg ip netns exec "$ns" dnsmasq --no-daemon --conf-file=/dev/null --port=0 --bind-interfaces \
    --interface=br0 --no-ping --log-dhcp --dhcp-leasefile="$VQ_TMP/ref.leases" \
    --pid-file="$VQ_TMP/ref-dnsmasq.pid" "${dhcp[@]}" --enable-tftp --tftp-root="$VQ_TMP/ref-tftp" \
    --log-facility=- > >(lab_stamp "$VQ_TMP/ref-dnsmasq.log") 2>&1
}

# --- Vaquero's DHCP and TFTP services alone ----------------------------------------------------
# Their test drivers (vq-dhcp-testd, vq-tftp-testd) serve the lab hosts from a fixture, with the
# reference HTTP server in front: DHCP and TFTP proved apart from the rest of `vaquero standalone`.
LAB_BUILD=${VQ_BUILD_DIR:-$(dirname "${VAQUERO_BIN:-$LAB_ROOT/build/vaquero}")}
lab_services_built() { [ -x "$LAB_BUILD/vq-dhcp-testd" ] && [ -x "$LAB_BUILD/vq-tftp-testd" ]; }

lab_services_fixture() {  # lab_services_fixture MODE -> $VQ_TMP/fixture.yaml
  {
    echo "interfaces: [br0]"
    echo "mode: $1"
    echo "lease_seconds: 600"
    echo "http_port: $LAB_PORT"
    echo "subnets:"
    echo "  lab-net: {cidr: 10.99.0.0/24, gateway: 10.99.0.1, dns: [10.99.0.1], ntp: [10.99.0.1]}"
    echo "  lab-relay: {cidr: 10.99.1.0/24, gateway: 10.99.1.1, dns: [10.99.0.1], ntp: [10.99.0.1]}"
    echo "hosts:"
    local h name mac ip role subnet
    for h in "${LAB_HOSTS[@]}"; do
      read -r name mac ip role <<<"$h"
      subnet=lab-net
      [ "${ip#10.99.1.}" = "$ip" ] || subnet=lab-relay
      echo "  - {mac: \"$mac\", ip: $ip, subnet: $subnet, hostname: $name, host: $name}"
    done
  } >"$VQ_TMP/fixture.yaml"
}

lab_services_start() {  # lab_services_start NS server|proxy
  lab_services_fixture "$2"
  lab_ref_http "$1" "$VQ_TMP/files"
  vq_bg ip netns exec "$1" "$LAB_BUILD/vq-dhcp-testd" --fixture "$VQ_TMP/fixture.yaml" --log-level info \
    > >(lab_stamp "$VQ_TMP/vq-dhcp.log") 2>&1
  vq_bg ip netns exec "$1" "$LAB_BUILD/vq-tftp-testd" --bind "$LAB_SRV" --port 69 --root "$VQ_TMP/ref-tftp" --events \
    --log-level info > >(lab_stamp "$VQ_TMP/vq-tftp.log") 2>&1
  vq_wait_for 10 grep -q READY "$VQ_TMP/vq-dhcp.log" || { cat "$VQ_TMP/vq-dhcp.log"; vq_fail "vq-dhcp-testd did not start"; }
  vq_wait_for 10 grep -q listening "$VQ_TMP/vq-tftp.log" || { cat "$VQ_TMP/vq-tftp.log"; vq_fail "vq-tftp-testd did not start"; }
}


# --- QEMU ----------------------------------------------------------------------------------------
# Boots one VM with real firmware and waits for it to power off (bounded by timeout).
#   bios: SeaBIOS + QEMU's e1000 ROM (itself iPXE).
#   uefi: OVMF + virtio-net with no option ROM, so EDK2's own PXE client does DHCP and TFTP.
# Sets LAB_T0 (power-on, epoch seconds); the serial console goes to $VQ_TMP/NAME.serial.
# The QEMU command line of one lab machine, in LAB_QEMU_ARGS (shared with the virtual BMCs of
# tests/lab/rollout.sh, which start the same machines on power-on). VARS is the UEFI
# machine's NVRAM file (copied from OVMF's template by whoever starts it).
lab_qemu_args() {  # lab_qemu_args bios|uefi MAC TAP VARS
  local fw=$1 mac=$2 tap=$3 vars=$4 nic=e1000
  LAB_QEMU_ARGS=()
  if [ "$fw" = uefi ]; then
    LAB_QEMU_ARGS=(-machine q35 -drive "if=pflash,format=raw,readonly=on,file=$LAB_OVMF_CODE"
      -drive "if=pflash,format=raw,file=$vars")
    nic=virtio-net-pci,romfile=
  fi
  # -accel tcg always: /dev/kvm may exist without usable hardware virtualization.
  LAB_QEMU_ARGS=(qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot -nodefaults
    -monitor none -serial stdio "${LAB_QEMU_ARGS[@]}"
    -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no" -device "$nic,netdev=n0,mac=$mac"
    -boot n)
}

lab_qemu() {  # lab_qemu NAME bios|uefi MAC NS
  local name=$1 fw=$2 mac=$3 ns=$4
  [ "$fw" != uefi ] || cp "$LAB_OVMF_VARS" "$VQ_TMP/$name.vars"
  lab_qemu_args "$fw" "$mac" tap0 "$VQ_TMP/$name.vars"
  : >"$VQ_TMP/$name.serial"
  LAB_T0=$EPOCHREALTIME
  timeout "$LAB_QEMU_TIMEOUT" ip netns exec "$ns" "${LAB_QEMU_ARGS[@]}" \
    </dev/null > >(lab_stamp "$VQ_TMP/$name.serial") 2>&1 &
  local qpid=$! deadline=$((SECONDS + LAB_QEMU_TIMEOUT + 5))
  # A failed network boot never powers off (the firmware falls back to its menus): stop the
  # guest as soon as the firmware says so instead of waiting for the timeout.
  while kill -0 "$qpid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
    if grep -aqE "$LAB_BOOT_FAILED" "$VQ_TMP/$name.serial"; then
      sleep 2
      kill "$qpid" 2>/dev/null || true
      break
    fi
    sleep 0.5
  done
  wait "$qpid" 2>/dev/null || true
  # Let the stamper drain the last lines.
  vq_wait_for 3 grep -aq 'reboot: Power down\|VQ-LAB-MARKER' "$VQ_TMP/$name.serial" || true
  LAB_T1=$EPOCHREALTIME
}

# Seconds from LAB_T0 to the first line of FILE matching the regex, or empty.
lab_at() {  # lab_at FILE REGEX
  [ -r "$1" ] || return 0
  awk -v t0="$LAB_T0" -v re="$2" '$1 >= t0 && $0 ~ re { printf "%.2f", $1 - t0; exit }' "$1"
}

lab_marker_ok() {  # lab_marker_ok NAME HOST
  grep -aq "VQ-LAB-MARKER status=ok host=$2 " "$VQ_TMP/$1.serial"
}

# The guest prints what it read from its rendered config; compare it with the inventory.
lab_config_ok() {  # lab_config_ok NAME HOST
  local want
  want="VQ-LAB-CONFIG host=$2 mac=$(lab_host "$2" mac) ipv4=$(lab_host "$2" ip) role=$(lab_host "$2" role) site=lab"
  grep -aqF "$want" "$VQ_TMP/$1.serial"
}

lab_show_failure() {  # lab_show_failure NAME
  echo "---- last serial lines of $1" >&2
  tail -n 25 "$VQ_TMP/$1.serial" | cut -c1-200 | tr -d '\033' >&2
}

# Prints one row per boot step; each PATTERN set is "label|file|regex".
lab_timeline() {  # lab_timeline TITLE "label|file|regex"...
  local title=$1 row label file re t
  shift
  printf '  %s\n' "$title"
  printf '    %-26s %8s\n' "step" "t (s)"
  printf '    %-26s %8s\n' "power on" "0.00"
  for row in "$@"; do
    IFS='|' read -r label file re <<<"$row"
    t=$(lab_at "$file" "$re")
    printf '    %-26s %8s\n' "$label" "${t:--}"
  done
}

# The reference stack's timeline for one guest.
lab_ref_timeline() {  # lab_ref_timeline NAME HOST
  local mac ip s=$VQ_TMP/$1.serial d=$VQ_TMP/ref-dnsmasq.log h=$VQ_TMP/ref-http.log
  mac=$(lab_host "$2" mac)
  ip=$(lab_host "$2" ip)
  lab_timeline "$2 ($1, reference stack)" \
    "DHCP (firmware)|$d|(DHCPACK|PXE).* $mac" \
    "TFTP iPXE binary|$d|sent .* to $ip" \
    "iPXE script|$h|GET /ipxe/${mac//:/-}" \
    "kernel|$h|GET /files/vmlinuz" \
    "initrd|$h|GET /files/initrd.gz" \
    "Linux started|$s|Linux version" \
    "config fetched|$h|GET /config/$mac" \
    "checkpoint|$h|GET /checkpoint/$mac" \
    "marker|$s|VQ-LAB-MARKER"
}
