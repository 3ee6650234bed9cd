#!/usr/bin/env bash
# deploy/kubernetes/ against the Kubernetes API types, offline (tools/k8s_check: the
# TypeScript compiler checks every document as a typed object literal), and the check itself
# against broken copies: an unknown field, a wrong type, a missing required field.
source "$(dirname "$0")/lib.sh"
vq_require_tools node npm
check=$VQ_BUILD_DIR/k8s_check
mkdir -p "$check"
cp "$VQ_SOURCE_DIR"/tools/k8s_check/{package.json,package-lock.json,check.mjs} "$check/"
if ! cmp -s "$check/package-lock.json" "$check/node_modules/.package-lock.json" 2>/dev/null; then
  (cd "$check" && npm ci --no-audit --no-fund --loglevel=error) >&2 || vq_fail "npm ci failed"
fi
node "$check/check.mjs" "$VQ_SOURCE_DIR/deploy/kubernetes" || vq_fail "deploy/kubernetes has errors"

for f in server.yaml agent.yaml; do
  grep -q 'readinessProbe:' "$VQ_SOURCE_DIR/deploy/kubernetes/$f" || vq_fail "$f has no readiness probe"
done
grep -q 'hostNetwork: true' "$VQ_SOURCE_DIR/deploy/kubernetes/agent.yaml" || vq_fail "agents need hostNetwork"
grep -q 'path: /ready' "$VQ_SOURCE_DIR/deploy/kubernetes/server.yaml" || vq_fail "server readiness is not /ready"
grep -q 'path: /live' "$VQ_SOURCE_DIR/deploy/kubernetes/server.yaml" || vq_fail "server liveness is not /live"

bad=$VQ_TMP/bad
mkdir -p "$bad"
sed 's/readinessProbe:/readinesProbe:/' "$VQ_SOURCE_DIR/deploy/kubernetes/server.yaml" > "$bad/typo.yaml"
sed 's/replicas: 3/replicas: "three"/' "$VQ_SOURCE_DIR/deploy/kubernetes/etcd.yaml" > "$bad/type.yaml"
printf 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec: {}\n' > "$bad/required.yaml"
if node "$check/check.mjs" "$bad" > "$VQ_TMP/bad.out" 2>&1; then
  vq_fail "the check accepted the broken manifests"
fi
cat "$VQ_TMP/bad.out" >&2
grep -q 'typo.yaml: Deployment/vaquero-server: .*readinesProbe' "$VQ_TMP/bad.out" || vq_fail "unknown field not found"
grep -q 'type.yaml: StatefulSet/etcd: .*not assignable' "$VQ_TMP/bad.out" || vq_fail "wrong type not found"
grep -q 'required.yaml: DaemonSet/x: .*missing' "$VQ_TMP/bad.out" || vq_fail "missing required field not found"
vq_log "PASS: deploy/kubernetes type-checks; broken copies are refused"
