#!/usr/bin/env bash
# Control plane benchmark: `vaquero server` and `vaquero agent` as objects over loopback TLS on
# a generated SoT of $HOSTS hosts (default 100,000; bench/ipxe's generator): agent cold start
# vs standalone, events agent -> server, SoT change -> agent serving it ($ROUNDS times); then
# the SoT in a git repository: commit + push + signed webhook -> all $AGENTS agents (default
# 10) serving the new revision ($ROUNDS times; AGENTS=0 skips it).
# Usage: bench/control/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
HOSTS=${HOSTS:-100000}
EVENTS=${EVENTS:-500000}
ROUNDS=${ROUNDS:-20}
AGENTS=${AGENTS:-10}
bin=$build/vq-control-bench
[ -x "$bin" ] || { echo "bench/control: build vq-control-bench first"; exit 1; }
work=$(mktemp -d -t vqcontrol.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$root/bench/ipxe/gen_sot.py" "$work/sot" "$HOSTS" "$work/macs" >/dev/null
echo "control plane, $HOSTS hosts, one agent"
"$bin" "$work/sot" "$work/run" "$EVENTS" "$ROUNDS"
if [ "$AGENTS" -gt 0 ]; then
  echo "control plane, $HOSTS hosts, SoT from git, $AGENTS agents"
  "$bin" git "$work/sot" "$work/git" "$ROUNDS" "$AGENTS"
fi
