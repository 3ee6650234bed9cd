#!/usr/bin/env bash
# Installs every Debian package the project, its tests, benchmarks and lab need.
# Idempotent: prints nothing and does nothing when all packages are present.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev nlohmann-json3-dev libboost-dev libspdlog-dev libfmt-dev libcli11-dev
  libssl-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev libfreeipmi-dev libssh-dev
  clang-14 libclang-rt-14-dev clang-format-14 python3
)
TEST_PKGS=(
  iproute2 busybox-static isc-dhcp-client dnsmasq-base tftp-hpa atftp curl
  ipxe ipxe-qemu qemu-system-x86 ovmf isc-dhcp-relay openipmi ipmitool openssh-server
)
BENCH_PKGS=(wrk hyperfine kea-admin kea-dhcp4-server nginx-light golang-go)

want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}")
case "${1:-all}" in
  build) want=("${BUILD_PKGS[@]}") ;;
  all) want+=("${BENCH_PKGS[@]}") ;;
  test) ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (or: sudo $0)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Service packages must not start daemons on install; policy-rc.d may already forbid it.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
