#!/usr/bin/env bash
# One `vaquero server` and two `vaquero agent`s, each site in a namespace of its own, TLS with
# a CA the test makes. Each site's host has an IPMI BMC (ipmi_sim) reachable only from its
# site's namespace: the server decides the reboots, each site's agent runs its own (and none
# of the other site's). A session of site sa reads nothing of site sb (revision, bundle,
# manifest, tasks: 403). A task for a site without an agent fails after Tasks.PickupTimeout
# and the host's failure policy applies. The BMC passwords appear in no log. The sites come
# from two SoTs (sa from one, sb and sc from the other): one server serves both, each with its
# own revisions and store, and its User API answers for all three sites.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/power/bmc.sh"
vq_require_root
vq_require_tools curl python3 openssl ipmi_sim ipmitool
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

canary_a=SiteAPw-51c7e  # BMC passwords: canaries, no output may contain them
canary_b=SiteBPw-9d02f
srv=$(vq_netns_name ss)
nsa=$(vq_netns_name sa)
nsb=$(vq_netns_name sb)
for n in "$srv" "$nsa" "$nsb"; do vq_netns_add "$n"; done
# server <-> site sa on 10.99.30.0/24, server <-> site sb on 10.99.40.0/24; each BMC on its
# site's loopback, with no route to it from anywhere else.
ip link add "vqa$$" netns "$srv" type veth peer name eth0 netns "$nsa"
ip link add "vqb$$" netns "$srv" type veth peer name eth0 netns "$nsb"
ip -n "$srv" addr add 10.99.30.1/24 dev "vqa$$"
ip -n "$srv" addr add 10.99.40.1/24 dev "vqb$$"
ip -n "$nsa" addr add 10.99.30.2/24 dev eth0
ip -n "$nsb" addr add 10.99.40.2/24 dev eth0
ip -n "$srv" link set "vqa$$" up
ip -n "$srv" link set "vqb$$" up
ip -n "$nsa" link set eth0 up
ip -n "$nsb" link set eth0 up
ip -n "$nsa" addr add 10.99.31.2/32 dev lo
ip -n "$nsb" addr add 10.99.41.2/32 dev lo

vq_bmc_config "$VQ_TMP/bmc-a" 10.99.31.2 623 admin "$canary_a"
vq_bmc_config "$VQ_TMP/bmc-b" 10.99.41.2 623 admin "$canary_b"
vq_bmc_start "$nsa" "$VQ_TMP/bmc-a"
vq_bmc_start "$nsb" "$VQ_TMP/bmc-b"

site() {  # id agent host mac bmc-addr password subnet-prefix
  mkdir -p "$sot/sites/$1"
  cat > "$sot/sites/$1/env.yml" <<YAML
id: $1
subnets:
  - id: net
    cidr: $7.0/24
    gateway: $7.1
    dns: [$7.1]
  - id: bmc
    cidr: ${5%.*}.0/24
    gateway: ${5%.*}.1
    dns: [${5%.*}.1]
agents:
  - name: $2
    asset_server: {addr: $7.2, port: 8080}
YAML
  cat > "$sot/sites/$1/inventory.yml" <<YAML
name: $3
interfaces:
  - type: physical
    subnet: net
    mac: $4
    ipv4: $7.10
  - type: bmc
    subnet: bmc
    mac: 52:54:00:00:ff:${4: -2}
    ipv4: $5
    bmc: {type: ipmi, username: admin, password: $6}
workflow: plain
YAML
}
definitions() {
  mkdir -p "$sot/os" "$sot/boot" "$sot/workflows"
  cat > "$sot/os/linux.yml" <<'YAML'
id: linux
major_version: '1'
os_family: Linux
boot:
  kernel: "{{.env.agentURL}}/files/vmlinuz"
YAML
  printf 'id: plain\noperating_system: linux\n' > "$sot/boot/plain.yml"
  printf 'id: plain\nworkflow:\n  - boot: plain\n' > "$sot/workflows/plain.yml"
  "$VAQUERO_BIN" validate --sot "$sot" >"$VQ_TMP/validate.log" 2>&1 ||
    { cat "$VQ_TMP/validate.log"; vq_fail "the test SoT $sot does not validate"; }
}
sot=$VQ_TMP/sot
site sa a1 na 52:54:00:00:30:0a 10.99.31.2 "$canary_a" 10.99.30
definitions
sot=$VQ_TMP/sot2
site sb b1 nb 52:54:00:00:40:0a 10.99.41.2 "$canary_b" 10.99.40
site sc c1 nc 52:54:00:00:50:0a 10.99.51.2 NoAgentPw 10.99.50  # no agent runs for sc
definitions

pki=$VQ_TMP/pki
vq_test_pki "$pki" IP:10.99.30.1,IP:10.99.40.1

cat > "$VQ_TMP/server.yaml" <<YAML
ServerAPI: {Addr: 0.0.0.0, Port: 24601, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: 24604}
SavePath: $VQ_TMP/server-state
LocalDir: {PollInterval: 1}
Tasks: {PickupTimeout: 3}
SoT:
- Local: {ID: sites, Root: $VQ_TMP/sot}
- Local: {ID: more, Root: $VQ_TMP/sot2}
Log: {Level: info, Location: stdout, Type: text}
YAML
for s in a b; do
  addr=10.99.30.1; [ $s = b ] && addr=10.99.40.1
  cat > "$VQ_TMP/agent-$s.yaml" <<YAML
ServerClient: {Addr: $addr, Port: 24601, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/agent-$s-state
Log: {Level: info, Location: stdout, Type: text}
YAML
done
shared=sites-shared-secret
user() { ip netns exec "$srv" curl -s -m 5 "$@"; }
vq_bg env VAQUERO_SERVER_SECRET=sites-server-secret ip netns exec "$srv" \
  "$VAQUERO_BIN" server --config "$VQ_TMP/server.yaml" --shared-secret "$shared" \
  >"$VQ_TMP/server.log" 2>&1
vq_wait_for 20 user -f http://127.0.0.1:24604/live -o /dev/null ||
  { cat "$VQ_TMP/server.log"; vq_fail "vaquero server did not start"; }
start_agent() {  # ns site agent config log
  vq_bg env VAQUERO_SHARED_SECRET="$shared" VAQUERO_SITE_ID="$2" VAQUERO_AGENT_ID="$3" \
    ip netns exec "$1" "$VAQUERO_BIN" agent --config "$4" --listen 127.0.0.1 --http-port 8080 \
    --no-boot-services >"$5" 2>&1
}
start_agent "$nsa" sa a1 "$VQ_TMP/agent-a.yaml" "$VQ_TMP/agent-a.log"
start_agent "$nsb" sb b1 "$VQ_TMP/agent-b.yaml" "$VQ_TMP/agent-b.log"
serving() { ip netns exec "$1" curl -sf -m 2 "http://127.0.0.1:8080/ipxe?mac=$2" | vq_matches vmlinuz; }
vq_wait_for 20 serving "$nsa" 52:54:00:00:30:0a || { cat "$VQ_TMP/agent-a.log"; vq_fail "agent a1 does not serve na"; }
vq_wait_for 20 serving "$nsb" 52:54:00:00:40:0a || { cat "$VQ_TMP/agent-b.log"; vq_fail "agent b1 does not serve nb"; }
serving "$nsa" 52:54:00:00:40:0a && vq_fail "agent a1 serves site sb's host"
grep -q "SOTS_SERVED count=2" "$VQ_TMP/server.log" || vq_fail "the server does not serve both SoTs"
[ -f "$VQ_TMP/server-state/vaquero.db" ] && [ -f "$VQ_TMP/server-state/sots/more/vaquero.db" ] ||
  vq_fail "each SoT's store is not in its own place: $(find "$VQ_TMP/server-state" -name '*.db')"
user http://127.0.0.1:24604/sot | python3 -c '
import json, sys
ids = [s["id"] for s in json.load(sys.stdin)["sots"]]
sys.exit(0 if ids == ["sites", "more"] else "GET /sot: %s" % ids)' || vq_fail "GET /sot does not list both SoTs"

# A session of site sa reads nothing of site sb.
jwt() {  # secret payload-json
  python3 - "$@" <<'PY'
import base64, hashlib, hmac, json, sys
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
head = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b(sys.argv[2].encode())
print(head + "." + b(hmac.new(sys.argv[1].encode(), head.encode(), hashlib.sha256).digest()))
PY
}
api() { ip netns exec "$nsa" curl -s -m 10 --cacert "$pki/ca.pem" "$@"; }
login=$(jwt "$shared" "{\"site_id\":\"sa\",\"agent_id\":\"probe\",\"exp\":$(($(date +%s) + 60)),\"use\":\"login\"}")
session=$(api -X POST https://10.99.30.1:24601/v1/login -d "{\"token\": \"$login\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["session"])') || vq_fail "login of site sa"
for path in "/v1/watch?revision=0&wait=1" "/v1/bundle?revision=1" /v1/manifest "/v1/tasks?wait=1&max=1"; do
  sep='?'; [[ $path == *\?* ]] && sep='&'
  code=$(api -o "$VQ_TMP/x" -w '%{http_code}' -H "Authorization: Bearer $session" \
    "https://10.99.30.1:24601$path${sep}site=sb")
  [ "$code" = 403 ] && grep -q "may not read site sb" "$VQ_TMP/x" ||
    vq_fail "site sa's session on $path of site sb: $code $(cat "$VQ_TMP/x")"
  code=$(api -o /dev/null -w '%{http_code}' "https://10.99.30.1:24601$path")
  [ "$code" = 403 ] || [ "$code" = 401 ] || vq_fail "$path without a session: $code"
done

# Reboots decided by the server, run by each site's agent against its own BMC.
for h in sa/na sb/nb sc/nc; do
  user -f -X POST "http://127.0.0.1:24604/reprovision?site=${h%/*}&host=${h#*/}" >/dev/null ||
    vq_fail "reprovision $h"
done
phase() {  # site host
  user "http://127.0.0.1:24604/hosts" | python3 -c '
import json, sys
for h in json.load(sys.stdin)["hosts"]:
    if h.get("site") == sys.argv[1] and h.get("name", h.get("host")) == sys.argv[2]:
        print(h.get("phase", ""))' "$1" "$2"
}
booting() { [ "$(phase "$1" "$2")" = booting ]; }
vq_wait_for 30 booting sa na || vq_fail "na is not booting after its reboot: $(phase sa na); $(grep TASK_ "$VQ_TMP/agent-a.log")"
vq_wait_for 30 booting sb nb || vq_fail "nb is not booting after its reboot: $(phase sb nb); $(grep TASK_ "$VQ_TMP/agent-b.log")"
grep -q "TASK_DONE id=sa/na/reboot/.* ok=true" "$VQ_TMP/agent-a.log" || vq_fail "agent a1 did not run na's reboot"
grep -q "TASK_DONE id=sb/nb/reboot/.* ok=true" "$VQ_TMP/agent-b.log" || vq_fail "agent b1 did not run nb's reboot"
grep -q "TASK_STARTED id=sb/\|TASK_STARTED id=sc/" "$VQ_TMP/agent-a.log" && vq_fail "agent a1 ran another site's task"
grep -q "TASK_STARTED id=sa/\|TASK_STARTED id=sc/" "$VQ_TMP/agent-b.log" && vq_fail "agent b1 ran another site's task"
for s in a b; do
  calls=$VQ_TMP/bmc-$s/state/calls.log
  grep -q "set boot pxe" "$calls" && grep -q "set power" "$calls" ||
    vq_fail "BMC of site s$s: no one-time PXE boot and power action: $(cat "$calls" 2>/dev/null)"
done
# A retried report of a task that ended changes nothing.
id=$(grep -o "TASK_DONE id=sa/na/reboot/[^ ]*" "$VQ_TMP/agent-a.log" | sed -n 1p | cut -d= -f2)
api -sf -o /dev/null -H "Authorization: Bearer $session" -X POST https://10.99.30.1:24601/v1/tasks/results \
  -d "{\"results\":[{\"id\":\"$id\",\"ok\":false,\"detail\":\"late\"}]}" || vq_fail "a late report"
vq_wait_for 5 grep -q "TASK_REPORT_IGNORED id=$id" "$VQ_TMP/server.log" || vq_fail "the late report was not ignored"
booting sa na || vq_fail "a late report changed na: $(phase sa na)"

# Site sc has no agent: its reboot fails after Tasks.PickupTimeout (3 s), per its policy.
failed() { [ "$(phase sc nc)" = failed ]; }
vq_wait_for 20 failed || vq_fail "nc did not fail without an agent: $(phase sc nc)"
user "http://127.0.0.1:24604/hosts/sc/nc" | vq_matches "no agent of site sc took the task within 3 s" ||
  vq_fail "nc's transitions do not say why: $(user http://127.0.0.1:24604/hosts/sc/nc)"

if grep -lF -e "$canary_a" -e "$canary_b" -e NoAgentPw "$VQ_TMP"/*.log; then
  vq_fail "a BMC password appears in the logs above"
fi
echo "PASS"
