#!/usr/bin/env bash
# Template benchmark, Vaquero's tmpl against Go 1.19's text/template in the same run, same data:
#  1. the Ignition asset of examples/v0.14 (etcd.yml + its etcd snippet) for one host;
#  2. a range over 1,000 hosts.
# Usage: bench/tmpl/run.sh <build-dir>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
bin=$build/vq-tmpl-bench
[ -x "$bin" ] || { echo "bench/tmpl: build vq-tmpl-bench first"; exit 1; }
command -v go >/dev/null || { echo "bench/tmpl: go not installed, skipping"; exit 0; }
work=$(mktemp -d -t vqtmpl.XXXXXX)
trap 'rm -rf "$work"' EXIT
export GOPATH=$work/gopath GOCACHE=$work/gocache GOFLAGS=-mod=mod GOPROXY=off
(cd "$here/go" && go build -o "$work/go-tmpl-bench" .)
python3 - "$root/src/tmpl/testdata/data.json" "$work" <<'PY'
import json, sys
sets = json.load(open(sys.argv[1]))
json.dump(sets["host"], open(sys.argv[2] + "/host.json", "w"))
hosts = [{"name": "node%04d" % i,
          "interfaces": [{"mac": "00:00:00:00:%02x:%02x" % (i // 256, i % 256),
                          "ipv4": "10.10.%d.%d" % (i // 250, i % 250 + 1)}],
          "md": {"role": "kube-master" if i % 10 == 0 else "worker", "version": 1122 + i % 3}}
         for i in range(1000)]
json.dump({"hosts": hosts, "os": {"url": "http://mirror.example/coreos"}},
          open(sys.argv[2] + "/hosts.json", "w"))
PY
ign=$root/examples/v0.14/assets/ignition
ITERS_ONE=${ITERS_ONE:-200000}
ITERS_RANGE=${ITERS_RANGE:-500}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate() { sed -n 's/.*renders_per_sec=\([0-9]*\).*/\1/p'; }
for round in 1 2; do
  c1=$("$bin" "$work/host.json" "$ITERS_ONE" "$ign/snippets/etcd.yml" "$ign/etcd.yml")
  g1=$("$work/go-tmpl-bench" "$work/host.json" "$ITERS_ONE" "$ign/snippets/etcd.yml" "$ign/etcd.yml")
  c2=$("$bin" "$work/hosts.json" "$ITERS_RANGE" "$here/hosts_range.tmpl")
  g2=$("$work/go-tmpl-bench" "$work/hosts.json" "$ITERS_RANGE" "$here/hosts_range.tmpl")
  echo "round $round"
  echo "  ignition one host: $c1"
  echo "  ignition one host: $g1"
  echo "  ignition ratio (vaquero/go): $(ratio "$(echo "$c1" | rate)" "$(echo "$g1" | rate)")x"
  echo "  range 1000 hosts:  $c2"
  echo "  range 1000 hosts:  $g2"
  echo "  range ratio (vaquero/go): $(ratio "$(echo "$c2" | rate)" "$(echo "$g2" | rate)")x"
done
