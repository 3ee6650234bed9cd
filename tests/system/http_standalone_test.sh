#!/usr/bin/env bash
# `vaquero standalone` on loopback, HTTP only: /files (ranges, traversal refused), /events,
# SoT reload (valid change swapped, broken change refused while serving), SIGTERM, and
# misconfiguration failing fast with exit 2.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

sot=$VQ_TMP/sot
cp -r "$src/examples/vagrant-lab/local" "$sot"
mkdir -p "$VQ_TMP/files/coreos" "$VQ_TMP/outside"
printf 'hello world' > "$VQ_TMP/files/hello.txt"
head -c 1048576 /dev/urandom > "$VQ_TMP/files/coreos/initrd.img"
printf 'secret' > "$VQ_TMP/outside/secret.txt"
ln -s "$VQ_TMP/outside/secret.txt" "$VQ_TMP/files/escape"
sed -i "s|base_dir: \"/var/vaquero/files\"|base_dir: \"$VQ_TMP/files\"|" "$sot/sites/test-site/env.yml"
grep -q "$VQ_TMP/files" "$sot/sites/test-site/env.yml" || vq_fail "could not point base_dir at the test files"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/save"
LocalDir:
  PollInterval: 1
SoT:
- Local:
    ID: vaquero-local
    Root: $sot
Log:
  Level: info
  Location: stdout
  Type: text
YAML

log=$VQ_TMP/standalone.log
vq_bg "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
  --http-port "$port" --no-boot-services >"$log" 2>&1
pid=${VQ_PIDS[-1]}
base="http://127.0.0.1:$port"
vq_wait_for 20 curl -sf "$base/events" || { cat "$log"; vq_fail "standalone did not start"; }

[ "$(curl -sf "$base/files/hello.txt")" = "hello world" ] || vq_fail "/files/hello.txt"
[ "$(curl -sf -r 6-10 "$base/files/hello.txt")" = "world" ] || vq_fail "range request"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 50- "$base/files/hello.txt")
[ "$code" = 416 ] || vq_fail "unsatisfiable range gave $code"
curl -sf "$base/files/coreos/initrd.img" -o "$VQ_TMP/got.img"
cmp -s "$VQ_TMP/got.img" "$VQ_TMP/files/coreos/initrd.img" || vq_fail "initrd differs"
for t in "../outside/secret.txt" "%2e%2e/outside/secret.txt" "coreos%2f..%2f..%2foutside%2fsecret.txt" \
         "escape" "..%5coutside%5csecret.txt"; do
  body=$(curl -s --path-as-is "$base/files/$t")
  code=$(curl -s --path-as-is -o /dev/null -w '%{http_code}' "$base/files/$t")
  [ "$code" != 200 ] && [ "${body#*secret}" = "$body" ] || vq_fail "traversal $t answered $code"
done

# Every request is in the timeline; hosts are told apart by ?mac=.
curl -s -o /dev/null "$base/files/hello.txt?mac=52:54:00:aa:bb:01"
vq_wait_for 5 sh -c "curl -sf '$base/events/52:54:00:aa:bb:01' | grep -q HTTP_FILE" ||
  vq_fail "/events/<mac> lacks the HTTP_FILE event"

# Reload: a valid change is swapped in, a broken one refused while serving continues.
echo "# touched" >> "$sot/sites/test-site/env.yml"
vq_wait_for 10 grep -q SOT_RELOADED "$log" || { cat "$log"; vq_fail "valid change not reloaded"; }
cp "$sot/sites/test-site/inventory.yml" "$VQ_TMP/inventory.good"
echo "name: [unclosed" > "$sot/sites/test-site/inventory.yml"
vq_wait_for 10 grep -q SOT_RELOAD_REJECTED "$log" || { cat "$log"; vq_fail "broken change not refused"; }
[ "$(curl -sf "$base/files/hello.txt")" = "hello world" ] || vq_fail "stopped serving after a bad SoT"

kill -TERM "$pid"
for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && vq_fail "did not stop on SIGTERM"
wait "$pid"; rc=$?
[ "$rc" = 0 ] || vq_fail "exit code $rc after SIGTERM"
grep -q STANDALONE_STOPPED "$log" || vq_fail "no clean stop logged"

# Misconfiguration fails fast with exit 2 and says why.
set +e
"$VAQUERO_BIN" standalone --config "$VQ_TMP/missing.yaml" --no-boot-services 2>"$VQ_TMP/err1"
rc1=$?
printf 'LocalDir: {PollInterval: soon}\n' > "$VQ_TMP/bad.yaml"
"$VAQUERO_BIN" standalone --config "$VQ_TMP/bad.yaml" --no-boot-services 2>"$VQ_TMP/err2"
rc2=$?
"$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --no-boot-services --http-port "$port" \
  2>"$VQ_TMP/err3" >/dev/null
rc3=$?  # the SoT is still broken
set -e
[ "$rc1" = 2 ] && grep -q "cannot read" "$VQ_TMP/err1" || vq_fail "missing config: rc=$rc1"
[ "$rc2" = 2 ] && grep -q "bad.yaml:1:" "$VQ_TMP/err2" || vq_fail "bad config: rc=$rc2"
[ "$rc3" = 2 ] && grep -q "inventory.yml" "$VQ_TMP/err3" || vq_fail "bad SoT: rc=$rc3"
echo "PASS"
