#!/usr/bin/env bash
# `make image`: the OCI image, built with podman.
#   scripts/image.sh BUILD_DIR [TAG]       -> image TAG (default localhost/vaquero:<version>,
#                                             also tagged :latest); its ID is printed
# The base is a Debian root file system holding only the packages of the binary's shared
# libraries (found from the binary itself), iPXE's ROMs and CA certificates, extracted from
# Debian's archive by mmdebstrap (no registry is needed) and imported with `podman import`.
# It is cached in $VQ_IMAGE_CACHE (default /var/cache/vaquero-image), keyed by its package list.
# PODMAN_ARGS: global podman options (default: runc, cgroupfs, as some hosts require).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-build}")
bin=$build/vaquero
[ -x "$bin" ] || { echo "image: $bin is not built (make build)" >&2; exit 1; }
for tool in podman mmdebstrap dpkg-query; do
  command -v "$tool" >/dev/null || { echo "image: $tool is missing (make deps)" >&2; exit 1; }
done
version=$("$bin" version | awk '{print $2}')
tag=${2:-localhost/vaquero:$version}
read -r -a podman_args <<< "${PODMAN_ARGS:---runtime runc --cgroup-manager cgroupfs}"
podman() { command podman "${podman_args[@]}" "$@"; }
limits=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

# The packages that hold the binary's libraries, as this machine resolves them.
mapfile -t libs < <(ldd "$bin" | awk '$3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
pkgs=$(for l in "${libs[@]}"; do
  dpkg-query -S "$(realpath "$l")" 2>/dev/null || dpkg-query -S "$l" 2>/dev/null || {
    echo "image: no Debian package holds $l" >&2; exit 1; }
done | cut -d: -f1 | sort -u)
pkgs=$(printf '%s\n' $pkgs ipxe ca-certificates | sort -u | paste -sd,)
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
key=$(printf '%s %s' "$suite" "$pkgs" | sha256sum | cut -c1-12)
cache=${VQ_IMAGE_CACHE:-/var/cache/vaquero-image}
base_tar=$cache/base-$suite-$key.tar
base_tag=localhost/vaquero-base:$key
if [ ! -s "$base_tar" ]; then
  mkdir -p "$cache"
  echo "image: making the base ($suite: $pkgs)" >&2
  mmdebstrap --quiet --variant=extract --include="$pkgs" \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    "$suite" "$base_tar.part.tar" \
    "deb http://deb.debian.org/debian $suite main" \
    "deb http://deb.debian.org/debian-security $suite-security main" >&2
  mv "$base_tar.part.tar" "$base_tar"
fi
podman image exists "$base_tag" || podman import --quiet "$base_tar" "$base_tag" >/dev/null

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
install -m 0755 "$bin" "$ctx/vaquero"
strip --strip-unneeded "$ctx/vaquero"
cp "$root/packaging/Containerfile" "$ctx/Containerfile"
podman build --quiet "${limits[@]}" --build-arg "BASE=$base_tag" -t "$tag" "$ctx" >&2
[ $# -ge 2 ] || podman tag "$tag" localhost/vaquero:latest
podman image inspect --format '{{.Id}}' "$tag"
