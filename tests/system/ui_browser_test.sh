#!/usr/bin/env bash
# The dashboard in a real browser: `vaquero standalone` on loopback with a bearer token,
# headless Debian Chromium driven by puppeteer-core (tests/ui/dashboard.mjs, installed with
# `npm ci` into the build directory). A 3-host lab: hosts and states appear once the token
# is entered, a checkpoint made during the test shows up without a reload, halt is refused
# without the token and works with it, the host page draws the boot timeline, the BMC
# password is shown nowhere. Then 10,000 hosts (bench/ipxe/gen_sot.py): the first view in
# under 1 s, few DOM rows while scrolling. Screenshots go to $VQ_BUILD_DIR/ui_browser/.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 node npm
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
chromium=/usr/lib/chromium/chromium
[ -x "$chromium" ] || vq_skip "no Debian chromium ($chromium)"
: "${VQ_BUILD_DIR:?}" "${VQ_SOURCE_DIR:?}"

runner=$VQ_BUILD_DIR/ui_browser_runner
out=$VQ_BUILD_DIR/ui_browser
mkdir -p "$runner" "$out"
cp "$VQ_SOURCE_DIR"/tests/ui/{package.json,package-lock.json,dashboard.mjs} "$runner/"
# Installed again only when the lock file changed (a copy of it marks the installed one).
if ! cmp -s "$runner/package-lock.json" "$runner/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$runner" && npm ci --no-audit --no-fund --loglevel=error) >&2 || vq_fail "npm ci failed"
  cp "$runner/package-lock.json" "$runner/node_modules/.installed-lock.json"
fi

mac=52:54:00:99:00:01
secret="canary-bmc-$$-do-not-show"
token="ui-test-token-$$"
sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - id: net
    cidr: 10.99.0.0/24
    gateway: 10.99.0.1
    dns: [10.99.0.2]
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080}
YAML
cat > "$sot/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - type: physical
    subnet: net
    mac: $mac
    ipv4: 10.99.0.11
  - type: bmc
    subnet: net
    mac: 52:54:00:99:01:01
    ipv4: 127.0.0.1
    bmc: {type: ipmi, username: admin, password: $secret}
workflow: install-then-disk
---
name: node2
interfaces:
  - {type: physical, subnet: net, mac: '52:54:00:99:00:02', ipv4: 10.99.0.12}
workflow: install-then-disk
---
name: node3
interfaces:
  - {type: physical, subnet: net, mac: '52:54:00:99:00:03', ipv4: 10.99.0.13}
workflow: install-then-disk
YAML
for os in installer disk; do
  cat > "$sot/os/$os.yml" <<YAML
id: $os
major_version: '1'
os_family: Linux
boot:
  kernel: "{{.env.agentURL}}/files/$os/vmlinuz"
YAML
done
printf 'id: install\noperating_system: installer\n' > "$sot/boot/install.yml"
printf 'id: disk\noperating_system: disk\n' > "$sot/boot/disk.yml"
printf 'id: install-then-disk\nworkflow:\n  - boot: install\n  - boot: disk\n' \
  > "$sot/workflows/install-then-disk.yml"

pid=
start() {  # sot dir, log file
  local port uport
  port=$(vq_free_port)
  uport=$(vq_free_port)
  cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state-$uport"
UserApi:
  Addr: 127.0.0.1
  Port: $uport
  Token: "$token"
SoT:
- Local:
    ID: ui
    Root: $1
Log:
  Level: info
  Location: stdout
  Type: text
YAML
  vq_bg "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
    --http-port "$port" --no-boot-services >"$2" 2>&1
  pid=${VQ_PIDS[-1]}
  agent="http://127.0.0.1:$port"
  user="http://127.0.0.1:$uport"
  vq_wait_for 60 curl -sf "$user/ready" -o /dev/null || { cat "$2"; vq_fail "standalone did not start"; }
}
stop() {
  kill -TERM "$pid"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && vq_fail "standalone did not stop"
  return 0
}

vq_log "lab: 3 hosts, token set"
start "$sot" "$VQ_TMP/lab.log"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$user/hosts")" = 401 ] || vq_fail "GET /hosts without a token"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$user/live")" = 200 ] || vq_fail "/live must stay open"
# node1 boots: the agent reports iPXE, kernel and config fetches to the server.
curl -s -o /dev/null "$agent/ipxe?mac=${mac//:/-}"
sleep 0.2
curl -s -o /dev/null "$agent/files/installer/vmlinuz?mac=${mac//:/-}"
sleep 0.2
curl -s -o /dev/null "$agent/config/${mac//:/-}?boot=install"
events=$(curl -sf -H "Authorization: Bearer $token" "$user/hosts/lab/node1/events") || vq_fail "events"
grep -q HTTP_IPXE <<<"$events" || vq_fail "node1's events lack HTTP_IPXE: $events"

VQ_CHROMIUM=$chromium VQ_USER_URL=$user VQ_AGENT_URL=$agent VQ_TOKEN=$token VQ_MAC=$mac \
  VQ_SECRET=$secret VQ_OUT=$out node "$runner/dashboard.mjs" lab || {
  tail -30 "$VQ_TMP/lab.log"; vq_fail "dashboard (lab)"; }
grep -q "$token" "$VQ_TMP/lab.log" && vq_fail "the token appears in the log"
grep -q "$secret" "$VQ_TMP/lab.log" && vq_fail "the BMC password appears in the log"
stop

vq_log "10,000 hosts"
big=$VQ_TMP/big
python3 "$VQ_SOURCE_DIR/bench/ipxe/gen_sot.py" "$big" 10000 "$VQ_TMP/macs.txt"
start "$big" "$VQ_TMP/big.log"
VQ_CHROMIUM=$chromium VQ_USER_URL=$user VQ_AGENT_URL=$agent VQ_TOKEN=$token VQ_MAC=- \
  VQ_SECRET=- VQ_OUT=$out node "$runner/dashboard.mjs" big || {
  tail -30 "$VQ_TMP/big.log"; vq_fail "dashboard (10,000 hosts)"; }
stop
vq_log "screenshots in $out"
echo PASS
