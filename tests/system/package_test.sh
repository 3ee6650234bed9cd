#!/usr/bin/env bash
# `make package`: the .deb is built, lintian finds no error, and it installs, runs and purges
# cleanly. The install happens in a throwaway copy of this machine (an overlay of / in a
# private mount namespace, entered with chroot), so the machine itself is never changed.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools dpkg-deb dpkg-shlibdeps fakeroot lintian unshare chroot systemd-analyze

deb=$("$VQ_SOURCE_DIR/scripts/package.sh" "$(dirname "$VAQUERO_BIN")" "$VQ_TMP/out")
[ -f "$deb" ] || vq_fail "package.sh printed '$deb', not a file"
vq_log "built $deb ($(du -k "$deb" | cut -f1) KiB)"

dpkg-deb --info "$deb" > "$VQ_TMP/info"
grep -q '^ Package: vaquero$' "$VQ_TMP/info" || vq_fail "no Package field"
grep -q '^ Depends: .*libfreeipmi' "$VQ_TMP/info" || vq_fail "Depends misses the shared libraries"
dpkg-deb --contents "$deb" > "$VQ_TMP/contents"
for f in ./usr/bin/vaquero ./lib/systemd/system/vaquero-standalone.service \
  ./lib/systemd/system/vaquero-server.service ./lib/systemd/system/vaquero-agent.service \
  ./etc/vaquero/standalone.yml ./usr/lib/tmpfiles.d/vaquero.conf ./usr/share/doc/vaquero/copyright; do
  grep -q " $f\$" "$VQ_TMP/contents" || vq_fail "$f is not in the package"
done

# lintian: errors fail the test; warnings are printed for the record.
lintian --tag-display-limit 0 "$deb" > "$VQ_TMP/lintian" 2>&1 || true
cat "$VQ_TMP/lintian" >&2
if grep -q '^E:' "$VQ_TMP/lintian"; then vq_fail "lintian reports errors"; fi

cp "$deb" "$VQ_TMP/vaquero.deb"
cp -r "$VQ_SOURCE_DIR/examples/lab" "$VQ_TMP/sot"
cat > "$VQ_TMP/inside.sh" <<'INSIDE'
set -eu
dpkg -i /vqtest/vaquero.deb
vaquero version
vaquero validate --sot /vqtest/sot
vaquero validate --sot /usr/share/doc/vaquero/examples/lab
test -d /var/vaquero
systemd-analyze verify /lib/systemd/system/vaquero-standalone.service \
  /lib/systemd/system/vaquero-server.service /lib/systemd/system/vaquero-agent.service
grep -qx /etc/vaquero/standalone.yml /var/lib/dpkg/info/vaquero.conffiles
dpkg --purge vaquero
test ! -e /usr/bin/vaquero
test ! -e /etc/vaquero
test ! -e /var/vaquero
echo INSIDE-OK
INSIDE
before=$(dpkg-query -W -f='${Status}' vaquero 2>/dev/null || true; ls -d /etc/vaquero /var/vaquero 2>/dev/null || true)
scratch=$(mktemp -d /run/vqpkg.XXXXXX)
cat > "$VQ_TMP/overlay.sh" <<OVERLAY
set -eu
mount -t tmpfs tmpfs "$scratch"
mkdir "$scratch/upper" "$scratch/work" "$scratch/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$scratch/upper,workdir=$scratch/work" "$scratch/root"
mount -t proc proc "$scratch/root/proc"
mount --rbind /dev "$scratch/root/dev"
mkdir -p "$scratch/root/vqtest"
mount --bind "$VQ_TMP" "$scratch/root/vqtest"
chroot "$scratch/root" sh /vqtest/inside.sh
OVERLAY
status=0
unshare --mount --propagation private bash "$VQ_TMP/overlay.sh" > "$VQ_TMP/inside.log" 2>&1 || status=$?
rmdir "$scratch"
cat "$VQ_TMP/inside.log" >&2
[ $status -eq 0 ] && grep -q INSIDE-OK "$VQ_TMP/inside.log" ||
  vq_fail "install, run or purge failed in the throwaway root (exit $status)"
after=$(dpkg-query -W -f='${Status}' vaquero 2>/dev/null || true; ls -d /etc/vaquero /var/vaquero 2>/dev/null || true)
[ "$before" = "$after" ] || vq_fail "the machine changed: before '$before', after '$after'"
vq_log "PASS: package built, lintian clean of errors, installed, ran and purged"
