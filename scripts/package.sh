#!/usr/bin/env bash
# `make package`: the Debian package of a built tree.
#   scripts/package.sh BUILD_DIR OUT_DIR   -> OUT_DIR/vaquero_<version>_<arch>.deb (path printed)
# The binary (stripped), systemd units for standalone, server and agent, default configs in
# /etc/vaquero (conffiles), a tmpfiles entry for /var/vaquero, docs and examples. Depends are
# computed by dpkg-shlibdeps from the binary's libraries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-build}")
out=$(realpath -m "${2:-$build/package}")
bin=$build/vaquero
[ -x "$bin" ] || { echo "package: $bin is not built (make build)" >&2; exit 1; }
for tool in dpkg-deb dpkg-shlibdeps fakeroot; do
  command -v "$tool" >/dev/null || { echo "package: $tool is missing (make deps)" >&2; exit 1; }
done

version=$("$bin" version | awk '{print $2}')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/pkg
pk=$root/packaging

install -D -m 0755 "$bin" "$pkg/usr/bin/vaquero"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/vaquero"
for unit in standalone server agent; do
  install -D -m 0644 "$pk/systemd/vaquero-$unit.service" \
    "$pkg/lib/systemd/system/vaquero-$unit.service"
  install -D -m 0644 "$pk/config/$unit.yml" "$pkg/etc/vaquero/$unit.yml"
done
install -D -m 0600 "$pk/config/secrets.env" "$pkg/etc/vaquero/secrets.env"
install -D -m 0644 "$pk/systemd/vaquero.tmpfiles" "$pkg/usr/lib/tmpfiles.d/vaquero.conf"
doc=$pkg/usr/share/doc/vaquero
install -D -m 0644 "$root/README.md" "$doc/README.md"
install -D -m 0644 "$pk/deb/copyright" "$doc/copyright"
# A native package's changelog: one entry for this version.
{
  echo "vaquero ($version) unstable; urgency=medium"
  echo
  echo "  * Release $version."
  echo
  echo " -- Vaquero developers <vaquero@example.org>  $(date -R -d @"${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}")"
} | gzip -9n > "$doc/changelog.gz"
mkdir -p "$doc/examples"
cp -r "$root/examples/lab" "$doc/examples/lab"
find "$doc/examples" -type d -exec chmod 0755 {} + && find "$doc/examples" -type f -exec chmod 0644 {} +

# Depends from the binary's shared libraries (dpkg-shlibdeps wants a debian/control).
mkdir -p "$stage/src/debian"
printf 'Source: vaquero\n\nPackage: vaquero\nArchitecture: any\n' > "$stage/src/debian/control"
depends=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/vaquero" 2>/dev/null |
  sed -n 's/^shlibs:Depends=//p')
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)

mkdir -p "$pkg/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
  -e "s/@DEPENDS@/$depends/" "$pk/deb/control.in" > "$pkg/DEBIAN/control"
for script in postinst prerm postrm; do
  install -m 0755 "$pk/deb/$script" "$pkg/DEBIAN/$script"
done
(cd "$pkg" && find etc -type f | sed 's|^|/|' | sort) > "$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z |
  xargs -0 md5sum | sed 's|  \./|  |') > "$pkg/DEBIAN/md5sums"

mkdir -p "$out"
deb=$out/vaquero_${version}_${arch}.deb
fakeroot dpkg-deb --build -Zxz "$pkg" "$deb" >/dev/null
echo "$deb"
