#!/usr/bin/env bash
# Faults: a BMC that hangs and a container that never exits are bounded by their timeouts,
# the host fails per its site's failure policy, and nothing else waits.
#
# `vaquero standalone` runs in a namespace the test creates, with four hosts that hang:
#   ipmi-hang   IPMI BMC whose UDP port 623 reads every datagram and never answers
#   ssh-hang    SSH BMC whose port 22 accepts the connection and never sends a byte
#   bmc-hang    custom BMC whose container never exits and ignores SIGTERM (needs SIGKILL)
#   val-hang    no BMC; its validate container never exits (and leaves a child behind)
# and one that behaves, reprovisioned while they hang:
#   good        custom BMC whose container reboots it at once; it must reach booting and be
#               provisioned by its checkpoint while every other host still hangs.
# Containers run through a stand-in engine (Containers.Binary): `run` runs the command with
# sh, `rm --force` is logged. Every hung action ends within its timeout (+ kill grace +
# margin, measured from the host's transitions), the host is failed with `then: continue`,
# no process a hung container started is left (alive or zombie), and the timed-out
# containers were removed by name.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools curl python3 ssh-keygen
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

container_timeout=3  # the SoT's container `timeout:` of the custom BMCs
validate_timeout=10  # and of the validate container (longer: it starts first)
kill_grace=5         # process.h: SIGTERM, then SIGKILL 5 s later
ipmi_timeout=4       # ipmi_driver.h: one IPMI exchange, retransmissions included
ssh_timeout=10       # ssh_driver.h: connect, authenticate, run, each bounded by it
margin=4             # scheduling: task lease, tick (1 s), store write, a loaded machine

ns=$(vq_netns_name hang)
vq_netns_add "$ns"
ip -n "$ns" addr add 10.99.41.1/24 dev lo
ip -n "$ns" addr add 10.99.41.2/32 dev lo  # the IPMI BMC that hangs
ip -n "$ns" addr add 10.99.41.3/32 dev lo  # the SSH BMC that hangs
nsx() { ip netns exec "$ns" "$@"; }

# The hanging BMCs: they count what they were sent, so the test knows they were reached.
cat > "$VQ_TMP/silent_bmc.py" <<'PY'
import socket, sys, threading, time
out = sys.argv[1]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("10.99.41.2", 623))
tcp = socket.socket()
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("10.99.41.3", 22))
tcp.listen(16)
held = []
counts = {"datagrams": 0, "connections": 0}
def save():
    with open(out + ".tmp", "w") as f:
        f.write("%d %d\n" % (counts["datagrams"], counts["connections"]))
    import os
    os.replace(out + ".tmp", out)
def ipmi():
    while True:
        udp.recvfrom(2048)  # read and discard: never answer
        counts["datagrams"] += 1
        save()
def ssh():
    while True:
        c, _ = tcp.accept()
        held.append(c)  # accepted, never a banner, never closed
        counts["connections"] += 1
        save()
threading.Thread(target=ipmi, daemon=True).start()
threading.Thread(target=ssh, daemon=True).start()
save()
time.sleep(600)
PY
vq_bg nsx python3 "$VQ_TMP/silent_bmc.py" "$VQ_TMP/bmc.counts"
vq_wait_for 10 test -s "$VQ_TMP/bmc.counts" || vq_fail "the silent BMC did not start"

# The stand-in container engine: `run ... --entrypoint /bin/sh IMAGE -c SCRIPT sh` runs
# SCRIPT here, in the process group the runner gave it; `rm --force [--time 0] NAME` is
# logged.
engine=$VQ_TMP/engine
cat > "$engine" <<SH
#!/bin/sh
log=$VQ_TMP/engine.log
case "\$1" in
  rm) shift; echo "rm \$*" >> "\$log"; exit 0 ;;
  run) ;;
  *) echo "unexpected: \$*" >> "\$log"; exit 2 ;;
esac
name=""
while [ \$# -gt 0 ]; do
  case "\$1" in
    --name) name=\$2; shift 2 ;;
    -c) echo "run \$name \$2" >> "\$log"; VQ_NAME=\$name exec /bin/sh -c "\$2" ;;
    *) shift ;;
  esac
done
echo "no command" >> "\$log"; exit 2
SH
chmod +x "$engine"
pids=$VQ_TMP/pids
mkdir -p "$pids"

ssh-keygen -q -t ed25519 -N '' -f "$VQ_TMP/id_ed25519" >/dev/null

sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - {id: net, cidr: 10.99.41.0/24, gateway: 10.99.41.1, dns: [10.99.41.1]}
agents:
  - name: a1
    asset_server: {addr: 10.99.41.1, port: 8080}
policy:
  timeout: 600
  on_failure: {retry: 0, then: continue}
YAML
host() {  # NAME N BMC-YAML (its trailing newline lost to $(...))
  printf -- '---\nname: %s\ninterfaces:\n  - {type: physical, subnet: net, mac: "52:54:00:41:00:%02d", ipv4: 10.99.41.%d}\n%s%sworkflow: plain\n' \
    "$1" "$2" "$((10 + $2))" "$3" "${3:+$'\n'}"
}
bmc_iface() {  # N BMC-BLOCK
  printf '  - type: bmc\n    subnet: net\n    mac: "52:54:00:41:01:%02d"\n    ipv4: %s\n    bmc:\n%s' "$1" "$2" "$3"
}
# The runner appends ' "$@"' to a command, so each ends in a simple command.
# The hung custom BMC ignores SIGTERM: only the SIGKILL after the grace ends it.
hang_bmc='echo $$ > '"$pids"'/bmc-hang.sh; trap "" TERM; sleep 3600 & echo $! > '"$pids"'/bmc-hang.child; while :; do sleep 1; done; true'
# The hung validate container dies on SIGTERM, and leaves a background child behind.
hang_val='echo $$ > '"$pids"'/val-hang.sh; sleep 3600 & echo $! > '"$pids"'/val-hang.child; wait'
{
  host ipmi-hang 1 "$(bmc_iface 1 10.99.41.2 '      type: ipmi
      username: admin
      password: secret-ipmi
')"
  host ssh-hang 2 "$(bmc_iface 2 10.99.41.3 "      type: ssh
      username: root
      keypath: $VQ_TMP/id_ed25519
")"
  host bmc-hang 3 "$(bmc_iface 3 10.99.41.4 "      type: custom
      container:
        image: vq/fake-bmc
        command: '$hang_bmc'
        timeout: $container_timeout
")"
  host val-hang 4 ""
  host good 5 "$(bmc_iface 5 10.99.41.6 "      type: custom
      container:
        image: vq/fake-bmc
        command: 'echo rebooted {{.host.name}}'
        timeout: $container_timeout
")"
} > "$sot/sites/lab/inventory.yml"
printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' > "$sot/os/linux.yml"
cat > "$sot/boot/plain.yml" <<YAML
id: plain
operating_system: linux
validate:
  - image: vq/validate
    command: 'if [ "{{.host.name}}" = val-hang ]; then $hang_val; fi; echo validated'
    timeout: $validate_timeout
YAML
printf 'id: plain\nworkflow:\n  - boot: plain\n' > "$sot/workflows/plain.yml"
nsx "$VAQUERO_BIN" validate --sot "$sot" >"$VQ_TMP/validate.out" 2>&1 ||
  { cat "$VQ_TMP/validate.out"; vq_fail "the SoT does not validate"; }

port=18080 uport=18081  # inside the namespace: nothing else binds there
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state"
UserApi: {Addr: 127.0.0.1, Port: $uport}
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: "$sot"}
Containers:
  Engine: podman
  Binary: "$engine"
Log: {Level: info, Location: stdout, Type: text}
YAML
vq_bg nsx "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 10.99.41.1 \
  --http-port "$port" --no-boot-services >"$VQ_TMP/standalone.log" 2>&1
vaquero_pid=${VQ_PIDS[-1]}
user=http://127.0.0.1:$uport
base=http://10.99.41.1:$port
api() { nsx curl -sf --max-time 5 "$@"; }
vq_wait_for 20 api "$user/ready" -o /dev/null || { cat "$VQ_TMP/standalone.log"; vq_fail "no start"; }

phase_of() {  # HOST -> its phase now (no python here: it polls, and starts slowly under load)
  api "$user/hosts" | grep -o "\"host\":\"$1\"[^}]*" | grep -o '"phase":"[a-z_]*"' | cut -d'"' -f4
}
phase_is() { [ "$(phase_of "$1")" = "$2" ]; }
mac_of() { printf '52:54:00:41:00:%02d' "$1"; }

# --- the four hangs start ---
for h in ipmi-hang ssh-hang bmc-hang val-hang; do
  api -X POST "$user/reprovision?site=lab&host=$h" -o /dev/null || vq_fail "reprovision $h"
done
vq_wait_for 10 phase_is val-hang awaiting_reboot || vq_fail "val-hang: $(phase_of val-hang)"
api "$base/checkpoint/$(mac_of 4)?boot=plain" -o /dev/null || vq_fail "val-hang checkpoint"
vq_wait_for 5 phase_is val-hang validating || vq_fail "val-hang not validating: $(phase_of val-hang)"
vq_wait_for 5 test -s "$pids/bmc-hang.child" || vq_fail "the hung BMC container did not start"
vq_wait_for 5 test -s "$pids/val-hang.child" || vq_fail "the hung validate container did not start"
vq_log "hanging: $(api "$user/hosts" | grep -Eo '"phase":"[a-z_]+"' | sort | uniq -c | tr -s '\n ' ' ')"

# --- nothing else waits: the boot path answers, a healthy host is rebooted and provisioned ---
t0=$(date +%s%N)
api "$base/ipxe?mac=$(mac_of 5)" | vq_matches vmlinuz || vq_fail "/ipxe does not answer during the hangs"
ipxe_ms=$((($(date +%s%N) - t0) / 1000000))
t0=$(date +%s%N)
api -X POST "$user/reprovision?site=lab&host=good" -o /dev/null || vq_fail "reprovision good"
vq_wait_for 5 phase_is good booting || vq_fail "good did not reboot while others hang: $(phase_of good)"
good_reboot_ms=$((($(date +%s%N) - t0) / 1000000))
api "$base/checkpoint/$(mac_of 5)?boot=plain" -o /dev/null || vq_fail "good checkpoint"
vq_wait_for 5 phase_is good provisioned || vq_fail "good not provisioned: $(phase_of good)"
good_ms=$((($(date +%s%N) - t0) / 1000000))
vq_log "while 4 hosts hang: /ipxe in ${ipxe_ms} ms; good rebooted in ${good_reboot_ms} ms, provisioned in ${good_ms} ms"

# --- every hang ends by its timeout; the host fails per policy ---
all_failed() { local h; for h in ipmi-hang ssh-hang bmc-hang val-hang; do phase_is "$h" failed || return 1; done; }
vq_wait_for 40 all_failed ||
  vq_fail "not all failed: $(api "$user/hosts")"
# Seconds from the transition that started the action (to rebooting/validating) to failed.
elapsed() {  # HOST FROM-PHASE
  api "$user/hosts/lab/$1" | python3 -c '
import json, sys, datetime
def t(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
doc = json.load(sys.stdin)
tr = doc.get("transitions", doc) if isinstance(doc, dict) else doc
start = end = None
for x in tr:
    if x.get("to") == sys.argv[1]: start = t(x["time"])
    if x.get("to") == "failed": end = t(x["time"]); reason = x.get("reason", "")
print("%.1f" % (end - start), reason.replace("\n", " "))' "$2"
}
check() {  # HOST FROM-PHASE BOUND WORDS
  local out secs
  out=$(elapsed "$1" "$2") || vq_fail "$1: no transitions: $(api "$user/hosts/lab/$1")"
  secs=${out%% *}
  vq_log "$1: failed after ${secs} s (bound $3 s): ${out#* }"
  python3 -c "import sys; sys.exit(0 if float('$secs') <= $3 else 1)" ||
    vq_fail "$1: failed after $secs s, past its bound of $3 s"
  echo "${out#* }" | vq_matches -iE "$4" || vq_fail "$1: the failure does not say why: ${out#* }"
  echo "$1 $secs" >> "$VQ_TMP/figures"
}
check ipmi-hang rebooting $((ipmi_timeout + margin)) "no answer|timed out|timeout"
check ssh-hang rebooting $((ssh_timeout + margin)) "timeout|timed out|cannot connect"
check bmc-hang rebooting $((container_timeout + kill_grace + margin)) "timed out after $container_timeout s"
check val-hang validating $((validate_timeout + margin)) "timed out after $validate_timeout s"
read -r datagrams connections < "$VQ_TMP/bmc.counts"
[ "$datagrams" -gt 0 ] || vq_fail "the IPMI BMC was never sent a datagram"
[ "$connections" -gt 0 ] || vq_fail "the SSH BMC was never connected to"
vq_log "the silent BMCs were sent $datagrams IPMI datagrams and $connections SSH connections"

# The healthy host was provisioned (its own validate container ran) before the hangs ended:
# it waited for none of them.
good_at=$(api "$user/hosts/lab/good" | grep -o '"time":"[^"]*","to":"provisioned"' | tail -1 | cut -d'"' -f4)
[ -n "$good_at" ] || vq_fail "good has no provisioned transition: $(api "$user/hosts/lab/good")"
for h in ssh-hang bmc-hang val-hang; do
  failed_at=$(api "$user/hosts/lab/$h" | grep -o '"time":"[^"]*","to":"failed"' | tail -1 | cut -d'"' -f4)
  [[ "$good_at" < "$failed_at" ]] ||
    vq_fail "good was provisioned at $good_at, after $h failed ($failed_at): it waited"
done
phase_is good provisioned || vq_fail "good is $(phase_of good) after the hangs"

# --- nothing is left behind: every process the hung containers started is gone ---
# A process killed with its parent is reparented and shows as a zombie until its new parent
# (init, or a subreaper) reaps it: dead, and not vaquero's to reap. A zombie of vaquero's own,
# or anything still running after 5 s, is left behind.
gone() { ! kill -0 "$1" 2>/dev/null; }
for f in "$pids"/*; do
  p=$(cat "$f")
  for _ in $(seq 1 50); do gone "$p" && break; sleep 0.1; done
  gone "$p" && continue
  stat=$(ps -o stat= -p "$p" | tr -d ' ') parent=$(ps -o ppid= -p "$p" | tr -d ' ')
  [ -n "$stat" ] || continue  # gone meanwhile
  if [[ "$stat" == Z* && "$parent" != "$vaquero_pid" ]]; then
    vq_log "$(basename "$f") (pid $p) is dead, awaiting reaping by pid $parent (not vaquero)"
    continue
  fi
  vq_fail "$(basename "$f") (pid $p) is still there: $(ps -o pid,ppid,stat,cmd -p "$p" | tail -1)"
done
for name in $(awk '$1 == "run" && /sleep 3600/ {print $2}' "$VQ_TMP/engine.log"); do
  grep -q "^rm .*$name" "$VQ_TMP/engine.log" || vq_fail "the timed-out container $name was not removed"
done
[ "$(grep -c '^rm ' "$VQ_TMP/engine.log")" -ge 2 ] || vq_fail "no rm --force after the timeouts"
vq_log "no process of a hung container left ($(ls "$pids" | wc -l) checked); timed-out containers removed"
grep -q "secret-ipmi" "$VQ_TMP/standalone.log" && vq_fail "the BMC password is in the log"
vq_log "PASS: $(tr '\n' ' ' < "$VQ_TMP/figures")(seconds to failed); good provisioned in ${good_ms} ms"
