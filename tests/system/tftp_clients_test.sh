#!/usr/bin/env bash
# TFTP service against real clients in network namespaces: tftp-hpa, atftp (blksize and
# windowsize options), curl (--tftp-blksize); md5-identical files, block-number rollover,
# netascii, the Debian iPXE fallback, and refused traversal attempts (ERROR 1 / ERROR 2).
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools ip tftp atftp curl md5sum timeout
TESTD="${VQ_BUILD_DIR:-$(dirname "$VAQUERO_BIN")}/vq-tftp-testd"
[ -x "$TESTD" ] || vq_skip "vq-tftp-testd not built ($TESTD)"

srv=$(vq_netns_name ts); cli=$(vq_netns_name tc)
vq_netns_add "$srv"; vq_netns_add "$cli"
ip link add "v$srv" type veth peer name "v$cli"
ip link set "v$srv" netns "$srv"; ip link set "v$cli" netns "$cli"
ip -n "$srv" addr add 10.99.6.1/24 dev "v$srv"; ip -n "$srv" link set "v$srv" up
ip -n "$cli" addr add 10.99.6.2/24 dev "v$cli"; ip -n "$cli" link set "v$cli" up
S=10.99.6.1

root=$VQ_TMP/root; out=$VQ_TMP/out
mkdir -p "$root/sub" "$VQ_TMP/outside" "$out"
head -c 5000011 /dev/urandom >"$root/big.bin"
head -c 2048 /dev/urandom >"$root/sub/exact.bin"           # multiple of 512: empty last block
: >"$root/empty.bin"
head -c 40000000 /dev/urandom >"$root/huge.bin"            # > 65535 blocks of 512
printf 'line one\nline two\r\nend\n' >"$root/text.txt"
echo secret >"$VQ_TMP/outside/secret"
ln -s "$VQ_TMP/outside/secret" "$root/escape"

vq_bg ip netns exec "$srv" "$TESTD" --root "$root" --bind "$S" --port 69 --events \
  >"$VQ_TMP/testd.out" 2>"$VQ_TMP/testd.err"
vq_wait_for 10 grep -q '^listening' "$VQ_TMP/testd.out" || vq_fail "service did not start: $(cat "$VQ_TMP/testd.err")"

in_cli() { ip netns exec "$cli" timeout 60 "$@"; }
same() {  # same <served file> <fetched file> <label>
  [ -f "$2" ] || vq_fail "$3: nothing fetched"
  [ "$(md5sum <"$1")" = "$(md5sum <"$2")" ] || vq_fail "$3: content differs"
  vq_log "ok: $3"
}

cd "$out"
in_cli tftp "$S" -m binary -c get big.bin hpa.bin;                   same "$root/big.bin" hpa.bin "tftp-hpa 512"
in_cli tftp "$S" -m binary -c get sub/exact.bin hpa-exact.bin;       same "$root/sub/exact.bin" hpa-exact.bin "tftp-hpa exact multiple"
in_cli tftp "$S" -m binary -c get empty.bin hpa-empty.bin;           same "$root/empty.bin" hpa-empty.bin "tftp-hpa empty file"
in_cli tftp "$S" -m binary -c get huge.bin hpa-huge.bin;             same "$root/huge.bin" hpa-huge.bin "tftp-hpa rollover (78125 blocks)"
in_cli tftp "$S" -m ascii -c get text.txt hpa.txt;                   same "$root/text.txt" hpa.txt "tftp-hpa netascii"
for bs in 8 512 1024 1468; do
  f=sub/exact.bin; [ "$bs" -ge 512 ] && f=big.bin
  in_cli atftp --option "blksize $bs" -g -r "$f" -l "at-$bs.bin" "$S" 2>/dev/null
  same "$root/$f" "at-$bs.bin" "atftp blksize $bs"
done
for w in 1 4 16 64; do
  in_cli atftp --option "blksize 1468" --option "windowsize $w" --option "tsize" \
    -g -r big.bin -l "at-w$w.bin" "$S" 2>/dev/null
  same "$root/big.bin" "at-w$w.bin" "atftp blksize 1468 windowsize $w"
done
in_cli atftp --option "blksize 512" --option "windowsize 8" -g -r huge.bin -l at-huge.bin "$S" 2>/dev/null
same "$root/huge.bin" at-huge.bin "atftp windowsize 8 rollover"
in_cli atftp --option "blksize 9000" -g -r big.bin -l at-9000.bin "$S" 2>/dev/null
same "$root/big.bin" at-9000.bin "atftp blksize 9000 (clamped to the veth MTU)"
grep -q 'blksize=1468' "$VQ_TMP/testd.out" || vq_fail "blksize not clamped to MTU-32"
for bs in 512 1468 8192; do
  in_cli curl -sS --tftp-blksize "$bs" -o "curl-$bs.bin" "tftp://$S/big.bin"
  same "$root/big.bin" "curl-$bs.bin" "curl --tftp-blksize $bs"
done
if [ -f /usr/lib/ipxe/undionly.kpxe ]; then
  in_cli curl -sS --tftp-blksize 1468 -o undionly.kpxe "tftp://$S/undionly.kpxe"
  same /usr/lib/ipxe/undionly.kpxe undionly.kpxe "fallback to Debian's undionly.kpxe"
fi
if [ -f /boot/ipxe.efi ]; then
  in_cli atftp --option "blksize 1468" --option "windowsize 4" --option tsize -g -r ipxe.efi -l ipxe.efi "$S" 2>/dev/null
  same /boot/ipxe.efi ipxe.efi "fallback to Debian's ipxe.efi (EDK2 options)"
fi

# Refusals: traversal, absolute paths, symlink escapes get ERROR 2; missing files ERROR 1.
refused() {  # refused <code> <name>
  local msg
  msg=$(in_cli tftp "$S" -m binary -c get "$2" "$VQ_TMP/refused.bin" 2>&1 || true)
  echo "$msg" | vq_matches "Error code $1" || vq_fail "'$2': expected ERROR $1, got: $msg"
  [ ! -s "$VQ_TMP/refused.bin" ] || vq_fail "'$2': data leaked"
  vq_log "ok: '$2' refused with ERROR $1"
}
refused 2 ../outside/secret
refused 2 sub/../../outside/secret
refused 2 '..\outside\secret'
refused 2 /etc/passwd
refused 2 escape
refused 2 sub
refused 1 nothing.efi
# A write request is refused too.
echo x >"$VQ_TMP/up.txt"
msg=$(in_cli tftp "$S" -m binary -c put "$VQ_TMP/up.txt" up.txt 2>&1 || true)
echo "$msg" | vq_matches "Error code 2" || vq_fail "WRQ not refused: $msg"
[ ! -e "$root/up.txt" ] || vq_fail "WRQ wrote a file"

# Every transfer is an event; nothing failed.
done_count=$(grep -c '^event TFTP_DONE' "$VQ_TMP/testd.out" || true)
refused_count=$(grep -c '^event TFTP_REFUSED' "$VQ_TMP/testd.out" || true)
grep -q '^event TFTP_FAILED' "$VQ_TMP/testd.out" && vq_fail "a transfer failed: $(grep TFTP_FAILED "$VQ_TMP/testd.out")"
grep -q 'ip=10.99.6.2 file=big.bin bytes=5000011 duration_ms=' "$VQ_TMP/testd.out" || vq_fail "TFTP_DONE event lacks bytes/duration"
[ "$done_count" -ge 20 ] || vq_fail "expected >= 20 TFTP_DONE events, got $done_count"
[ "$refused_count" -ge 8 ] || vq_fail "expected >= 8 TFTP_REFUSED events, got $refused_count"
echo "PASS: $done_count transfers, $refused_count refusals"
