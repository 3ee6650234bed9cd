#!/usr/bin/env bash
# Canary secrets through a whole control-plane scenario on loopback (`vaquero server` fed
# from git + `vaquero agent`, TLS): a BMC password in the inventory, the JWT shared and
# server secrets, the webhook secret, the git token and the User API token. The agent logs
# in, serves a host, takes its checkpoint; a signed push brings a new revision, a badly
# signed one is refused. Then every output is searched for every canary: both logs, every
# User API answer (hosts, transitions, plan, sot, agents, metrics, dashboard pages and
# events), the agent's answers (boot script, config, events, metrics, ready) and the
# `preview` and `plan` CLIs.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 openssl git
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

bmc_pass=CANARY-bmc-7f3a91
shared=CANARY-shared-91c2e0
server_secret=CANARY-server-4d8e55
hook_secret=CANARY-hook-b61f07
git_token=CANARY-token-0e93d4
user_token=CANARY-user-5a2c18
canaries=("$bmc_pass" "$shared" "$server_secret" "$hook_secret" "$git_token" "$user_token")
mac=52:54:00:12:34:56

remote=$VQ_TMP/remote.git
work=$VQ_TMP/work
git init -q --bare -b main "$remote"
git init -q -b main "$work"
mkdir -p "$work/sites/lab" "$work/os" "$work/boot" "$work/workflows"
cat > "$work/sites/lab/env.yml" <<YAML
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
cat > "$work/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - type: physical
    subnet: net
    mac: $mac
    ipv4: 10.99.0.10
  - type: bmc
    subnet: net
    mac: 52:54:00:12:34:99
    ipv4: 10.99.0.110
    bmc: {type: ipmi, username: admin, password: $bmc_pass}
workflow: install-then-disk
YAML
for os in installer disk; do
  cat > "$work/os/$os.yml" <<YAML
id: $os
major_version: '1'
os_family: Linux
boot:
  kernel: "{{.env.agentURL}}/files/$os/vmlinuz"
  initrd: ["{{.env.agentURL}}/files/$os/initrd"]
YAML
done
printf 'id: install\noperating_system: installer\nunattended: {type: untyped, use: ks.cfg}\n' \
  > "$work/boot/install.yml"
mkdir -p "$work/assets/untyped"
# The config a host fetches names its interfaces (the BMC one included) and its metadata.
cat > "$work/assets/untyped/ks.cfg" <<'TMPL'
# {{ .host.name }}
{{ range .host.interfaces }}# {{ .type }} {{ .mac }} {{ .ipv4 }}
{{ end }}
TMPL
printf 'id: disk\noperating_system: disk\n' > "$work/boot/disk.yml"
printf 'id: install-then-disk\nworkflow:\n  - boot: install\n  - boot: disk\n' \
  > "$work/workflows/install-then-disk.yml"
g() { git -C "$work" -c user.name=test -c user.email=test@example.invalid -c commit.gpgsign=false "$@"; }
g remote add origin "$remote"
g add -A && g commit -q -m "lab" && g push -q origin main

pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:127.0.0.1

sport=$(vq_free_port); uport=$(vq_free_port); hport=$(vq_free_port); gport=$(vq_free_port)
cat > "$VQ_TMP/server.yaml" <<YAML
ServerAPI:
  Addr: 127.0.0.1
  Port: $sport
  PrivateKey: $pki/server.key
  PublicKey: $pki/server.pem
UserApi: {Addr: 127.0.0.1, Port: $uport, Token: "$user_token", ReadWithoutToken: true}
SavePath: $VQ_TMP/server-state
Gitter: {Endpoint: "/postreceive", Addr: 127.0.0.1, Port: $gport, Timeout: 2}
GitHook:
- ID: lab-hook
  URL: "file://$remote"
  Secret: "$hook_secret"
  Token: "$git_token"
SoT:
- Git: {ID: lab-git, HookID: lab-hook, Branch: main}
Log: {Level: debug, Location: stdout, Type: text}
YAML
cat > "$VQ_TMP/agent.yaml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: $sport, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/agent-state
Log: {Level: debug, Location: stdout, Type: text}
YAML
base="http://127.0.0.1:$hport"
user="http://127.0.0.1:$uport"
out=$VQ_TMP/out
mkdir -p "$out"

vq_bg env VAQUERO_SERVER_SECRET="$server_secret" "$VAQUERO_BIN" server \
  --config "$VQ_TMP/server.yaml" --shared-secret "$shared" >"$out/server.log" 2>&1
vq_wait_for 30 curl -sf "$user/ready" -o /dev/null || { cat "$out/server.log"; vq_fail "server did not start"; }
vq_bg env VAQUERO_SHARED_SECRET="$shared" VAQUERO_SITE_ID=lab VAQUERO_AGENT_ID=a1 \
  "$VAQUERO_BIN" agent --config "$VQ_TMP/agent.yaml" --listen 127.0.0.1 --http-port "$hport" \
  --no-boot-services >"$out/agent.log" 2>&1
vq_wait_for 30 curl -sf "$base/boot.ipxe" -o /dev/null || { cat "$out/agent.log"; vq_fail "agent did not start"; }

# The scenario: boot, config, checkpoint, a signed push, a badly signed one.
curl -sf "$base/ipxe?mac=$mac" >"$out/ipxe" || vq_fail "no boot script"
grep -q /files/installer/vmlinuz "$out/ipxe" || vq_fail "stage 1 not served"
curl -sf "$base/config/$mac?boot=install" >"$out/config" || vq_fail "no config"
grep -q "52:54:00:12:34:99" "$out/config" || vq_fail "the config lacks the BMC interface: $(cat "$out/config")"
curl -sf "$base/checkpoint/$mac?boot=install" >"$out/checkpoint" || vq_fail "checkpoint refused"
vq_wait_for 20 sh -c "curl -sf '$user/hosts' | grep -q '\"boot\":\"disk\"'" || vq_fail "checkpoint did not reach the server"
deliver() {  # secret -> status
  local body sig
  body=$(printf '{"ref":"refs/heads/main","after":"%s","repository":{"full_name":"lab/sot"}}' "$(g rev-parse HEAD)")
  sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$1" | sed 's/^.*= //')
  curl -s -o "$out/hook-reply-$2" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    -H 'X-GitHub-Event: push' -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" \
    "http://127.0.0.1:$gport/postreceive/lab-hook"
}
printf '# touched\n' >> "$work/sites/lab/env.yml"
g add -A && g commit -q -m "touch" && g push -q origin main
[ "$(deliver "$hook_secret" good)" = 200 ] || vq_fail "signed push refused: $(cat "$out/hook-reply-good")"
[ "$(deliver wrong-secret bad)" = 401 ] || vq_fail "badly signed push not refused"
vq_wait_for 20 sh -c "curl -sf '$user/sot' | grep -q '$(g rev-parse HEAD)'" || vq_fail "new revision not served"
curl -s -H "Authorization: Bearer wrong" -X POST "$user/override?site=lab&host=node1&boot=install" \
  >"$out/override-refused" || true

# Collect every output.
for path in /hosts /hosts/lab/node1 /plan /sot /agents /metrics /ready /ui /ui/hosts; do
  curl -sL -m 5 "$user$path" >"$out/user${path//\//_}" || true
done
curl -s -m 3 "$user/ui/events" >"$out/user_ui_events" || true  # a stream: cut at 3 s
for path in /boot.ipxe "/ipxe?mac=$mac" /events "/events/$mac" /metrics /ready; do
  curl -s -m 5 "$base$path" >"$out/agent$(printf '%s' "$path" | tr '/?=:&' '_____')" || true
done
git clone -q "$remote" "$VQ_TMP/sot"
"$VAQUERO_BIN" preview --sot "$VQ_TMP/sot" --mac "$mac" --ipxe >"$out/preview-ipxe" 2>&1 || true
"$VAQUERO_BIN" preview --sot "$VQ_TMP/sot" --mac "$mac" >"$out/preview-config" 2>&1 || true
# A plan that rotates the BMC password and changes the kernel: against a copy, and against
# the revision the server stored; text and JSON.
cp -r "$VQ_TMP/sot" "$VQ_TMP/from"
sed -i "s/$bmc_pass/$bmc_pass-rotated/" "$VQ_TMP/sot/sites/lab/inventory.yml"
sed -i 's|/files/disk/vmlinuz|/files/disk2/vmlinuz|' "$VQ_TMP/sot/os/disk.yml"
"$VAQUERO_BIN" plan --sot "$VQ_TMP/sot" --from "$VQ_TMP/from" >"$out/plan" 2>&1 || true
"$VAQUERO_BIN" plan --sot "$VQ_TMP/sot" --from "$VQ_TMP/from" --format json >"$out/plan.json" 2>&1 || true
"$VAQUERO_BIN" plan --sot "$VQ_TMP/sot" --state "$VQ_TMP/server-state" >"$out/plan-state" 2>&1 || true
grep -q node1 "$out/plan" || vq_fail "the plan does not name node1: $(cat "$out/plan")"

for f in user_hosts user_metrics user_ui agent_events agent_metrics server.log agent.log config \
         preview-config plan plan-state; do
  [ -s "$out/$f" ] || vq_fail "empty output $f: the scan would prove nothing"
done
grep -q "$mac\|node1" "$out/user_hosts" || vq_fail "/hosts does not show the host"
ls -la "$out" >&2
leaks=0
for c in "${canaries[@]}"; do
  if grep -rlaF "$c" "$out"; then
    echo "FAIL: canary $c appears in the files above" >&2
    leaks=1
  fi
done
[ $leaks = 0 ] || exit 1
echo PASS
