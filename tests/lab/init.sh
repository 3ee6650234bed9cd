#!/bin/busybox sh
# /init of the lab initramfs (busybox only). It plays the part of an installer: it finds its
# unattended config URL on the kernel command line, fetches the config Vaquero rendered for
# this machine, checks that it really is this machine's (MAC, DHCP address, name, metadata),
# calls the checkpoint URL found in it, prints one marker line on the serial console and
# powers off. Every failure also prints the marker (status=fail) so tests end fast.
/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null

done_() {
    echo "VQ-LAB-MARKER $*"
    sync
    poweroff -f
    sleep 5
}
fail() { done_ "status=fail reason=$1 host=${want_host:-?} mac=${mac:-?}"; }

# e1000 (BIOS guests) and virtio_net (UEFI guests) are modules in Debian's kernel.
for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m.ko" 2>/dev/null; done

url=
want_host=
for a in $(cat /proc/cmdline); do
    case "$a" in
    vq.config=*) url=${a#vq.config=} ;;
    cloud-config-url=*) [ -n "$url" ] || url=${a#cloud-config-url=} ;;
    vq.host=*) want_host=${a#vq.host=} ;;
    esac
done
[ -n "$url" ] || fail no-config-url

ifc=
i=0
while [ $i -lt 50 ] && [ -z "$ifc" ]; do
    for d in /sys/class/net/*; do
        n=${d##*/}
        [ "$n" = lo ] || { ifc=$n; break; }
    done
    [ -n "$ifc" ] || sleep 0.2
    i=$((i + 1))
done
[ -n "$ifc" ] || fail no-nic
ip link set lo up
ip link set "$ifc" up
mac=$(cat "/sys/class/net/$ifc/address")
udhcpc -i "$ifc" -n -q -f -t 8 -T 1 -s /bin/udhcpc.script >/tmp/udhcpc.log 2>&1 || fail dhcp
ip4=$(cat /tmp/ipv4 2>/dev/null)
[ -n "$ip4" ] || fail no-address

# busybox 1.35 wget -T crashes; bound it with timeout instead.
timeout 20 wget -q -O /tmp/config "$url" || fail config-fetch
# The config is data, never sourced: read KEY=VALUE lines literally.
get() { sed -n "s/^$1=//p" /tmp/config | head -n 1 | tr -d '\r'; }
c_host=$(get VQ_HOST)
c_mac=$(get VQ_MAC | tr 'A-F' 'a-f')
c_ip=$(get VQ_IPV4)
c_role=$(get VQ_ROLE)
c_site=$(get VQ_SITE)
c_cp=$(get VQ_CHECKPOINT)
echo "VQ-LAB-CONFIG host=$c_host mac=$c_mac ipv4=$c_ip role=$c_role site=$c_site"
[ -n "$c_host" ] || fail config-no-host
[ -z "$want_host" ] || [ "$c_host" = "$want_host" ] || fail config-host-mismatch
[ "$c_mac" = "$mac" ] || fail config-mac-mismatch
[ "$c_ip" = "$ip4" ] || fail config-ipv4-mismatch
[ -n "$c_role" ] || fail config-no-role
[ -n "$c_cp" ] || fail config-no-checkpoint
timeout 20 wget -q -O /tmp/checkpoint "$c_cp" || fail checkpoint
done_ "status=ok host=$c_host mac=$mac ip=$ip4 role=$c_role"
