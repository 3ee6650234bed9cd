#!/usr/bin/env bash
# Installs the Debian packages one use of the project needs:
#   install-deps.sh build   what `make build` compiles and links with
#   install-deps.sh test    build + every tool a test runs (`make deps`, `make test`, `make demo`)
#   install-deps.sh bench   test + the peers the benchmarks compare with (`make bench`)
#   install-deps.sh fuzz    build + clang with libFuzzer (`make fuzz`)
#   install-deps.sh all     all of the above
# Idempotent: prints nothing and does nothing when all packages are present.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake ninja-build pkg-config git
  libyaml-cpp-dev nlohmann-json3-dev libboost-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev libzstd-dev libgtest-dev libgmock-dev libfreeipmi-dev libssh-dev libgit2-dev libssl-dev
  clang-format-14 python3
)
# Every tool tests/system/ and tests/lab/ call (clients, peers, firmware, the guest's kernel
# modules come compressed with xz or zstd).
TEST_PKGS=(
  iproute2 busybox-static isc-dhcp-client dnsmasq-base tftp-hpa atftp curl isc-dhcp-relay
  # the swarm (system.swarm_test, bench/swarm): offloads off on the impaired link
  ethtool
  ipxe ipxe-qemu qemu-system-x86 ovmf xz-utils zstd openipmi ipmitool openssh-server
  podman runc tar openssl
  # packaging: make package, make image, the Kubernetes manifests' offline check
  dpkg-dev fakeroot lintian mmdebstrap systemd nodejs npm
  # the dashboard's browser test (headless, driven by puppeteer-core from npm)
  chromium
  # promtool checks the /metrics scrapes
  prometheus
  # sot_bad_input_test measures time and peak memory; http_abuse_test limits descriptors
  time util-linux
  # etcd members the HA tests start themselves, and etcdctl to read etcd's history
  etcd-server etcd-client
  # clock_jump_test moves the wall clock of one process only (LD_PRELOAD), never the host's
  faketime
)
BENCH_PKGS=(wrk hyperfine kea-admin kea-dhcp4-server nginx-light golang-go bc)
FUZZ_PKGS=(clang-14 libclang-rt-14-dev)

case "${1:-test}" in
  build) want=("${BUILD_PKGS[@]}") ;;
  test) want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  bench) want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${BENCH_PKGS[@]}") ;;
  fuzz) want=("${BUILD_PKGS[@]}" "${FUZZ_PKGS[@]}") ;;
  all) want=("${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${BENCH_PKGS[@]}" "${FUZZ_PKGS[@]}") ;;
  *)
    echo "usage: $0 [build|test|bench|fuzz|all]" >&2
    exit 2
    ;;
esac

missing=()
for p in "${want[@]}"; do
  # Node.js from another source (e.g. NodeSource) brings its own npm and conflicts with
  # Debian's npm package: the commands are what matter.
  case $p in nodejs | npm) command -v "$p" >/dev/null 2>&1 && continue ;; esac
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
