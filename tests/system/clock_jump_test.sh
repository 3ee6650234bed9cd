#!/usr/bin/env bash
# Faults: the wall clock jumps forward and back an hour. Timeouts run on the monotonic
# clock, and a host's timeline stays in the order things happened.
#
# The host's clock is never touched: `vaquero standalone` alone runs under libfaketime
# (LD_PRELOAD), which offsets its wall clock (CLOCK_REALTIME) by what the test writes to a
# file, read on every call; the monotonic clock stays real (FAKETIME_DONT_FAKE_MONOTONIC).
# First the test proves the offset reaches the process (its log and event times move by an
# hour), then, with site policy `timeout: 6` (no checkpoint within 6 s fails the stage):
#   node-a  enters stage 2 at +0, the clock jumps +1 h: it must not fail at once, but ~6 s
#           after it entered the stage (real time, measured by the test);
#   node-b  enters stage 2 at +1 h, the clock jumps back 2 h (to -1 h): it must fail ~6 s
#           later, not two hours late;
#   node-c  validates with a container that never exits (timeout 4 s) across a jump: it
#           ends ~4 s later;
#   node-d  has no deadline; it checkpoints stage 1 at +1 h and stage 2 at -1 h and is
#           provisioned: later events carry earlier times, and still come in the order they
#           happened, in its transitions, its /events timeline and after a restart.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
libfaketime=""
for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 \
  /usr/lib/*/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1; do
  [ -f "$f" ] && { libfaketime=$f; break; }
done
[ -n "$libfaketime" ] || vq_skip "needs libfaketime (package faketime; make deps installs it)"

stage_timeout=6
validate_timeout=4
margin=4  # tick (1 s), polling, a loaded machine

offset=$VQ_TMP/offset
echo "+0" > "$offset"
jump() { echo "$1" > "$offset"; vq_log "wall clock of vaquero: $1"; }

sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - {id: net, cidr: 10.99.42.0/24, gateway: 10.99.42.1, dns: [10.99.42.1]}
agents:
  - name: a1
    asset_server: {addr: 10.99.42.1, port: 8080}
policy:
  timeout: $stage_timeout
  on_failure: {retry: 0, then: continue}
YAML
mac() { printf '52:54:00:42:00:%02d' "$1"; }
names=(node-a node-b node-c node-d)
for i in 1 2 3 4; do
  name=${names[$((i - 1))]}
  wf=two-stage
  [ "$name" = node-c ] && wf=checked
  printf -- '---\nname: %s\ninterfaces:\n  - {type: physical, subnet: net, mac: "%s", ipv4: 10.99.42.%d}\nworkflow: %s\n' \
    "$name" "$(mac $i)" "$((10 + i))" "$wf"
done > "$sot/sites/lab/inventory.yml"
printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' > "$sot/os/linux.yml"
printf 'id: install\noperating_system: linux\n' > "$sot/boot/install.yml"
printf 'id: disk\noperating_system: linux\n' > "$sot/boot/disk.yml"
cat > "$sot/boot/check.yml" <<YAML
id: check
operating_system: linux
validate:
  - image: vq/validate
    command: 'echo \$\$ > $VQ_TMP/hang.pid; sleep 3600; true'
    timeout: $validate_timeout
YAML
printf 'id: two-stage\nworkflow:\n  - boot: install\n  - boot: disk\n' > "$sot/workflows/two-stage.yml"
printf 'id: checked\nworkflow:\n  - boot: check\n' > "$sot/workflows/checked.yml"
"$VAQUERO_BIN" validate --sot "$sot" >"$VQ_TMP/validate.out" 2>&1 ||
  { cat "$VQ_TMP/validate.out"; vq_fail "the SoT does not validate"; }

# A container engine stand-in: runs the command of `run ... -c SCRIPT` with sh.
engine=$VQ_TMP/engine
cat > "$engine" <<'SH'
#!/bin/sh
[ "$1" = run ] || exit 0
while [ $# -gt 0 ]; do [ "$1" = -c ] && exec /bin/sh -c "$2"; shift; done
exit 2
SH
chmod +x "$engine"

port=$(vq_free_port) uport=$(vq_free_port)
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state"
UserApi: {Addr: 127.0.0.1, Port: $uport}
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: "$sot"}
Containers: {Engine: podman, Binary: "$engine"}
Log: {Level: info, Location: stdout, Type: text}
YAML
user=http://127.0.0.1:$uport
base=http://127.0.0.1:$port
start() {  # LOG
  vq_bg env LD_PRELOAD="$libfaketime" FAKETIME_TIMESTAMP_FILE="$offset" FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" \
    --listen 127.0.0.1 --http-port "$port" --no-boot-services >"$1" 2>&1
  pid=${VQ_PIDS[-1]}
  vq_wait_for 20 curl -sf "$user/ready" -o /dev/null || { cat "$1"; vq_fail "standalone did not start"; }
}
api() { curl -sf --max-time 5 "$@"; }
phase_of() { api "$user/hosts" | grep -o "\"host\":\"$1\"[^}]*" | grep -o '"phase":"[a-z_]*"' | cut -d'"' -f4; }
phase_is() { [ "$(phase_of "$1")" = "$2" ]; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }  # the test's clock: real
checkpoint() {  # N BOOT
  api "$base/checkpoint/$(mac "$1")?boot=$2" -o /dev/null || vq_fail "checkpoint $1 $2"
}
# Seconds between the real time and the newest event time of host N in vaquero's timeline.
event_skew() {
  api "$base/events/$(mac "$1")" | python3 -c '
import json, sys, time, datetime
ev = json.load(sys.stdin)["events"]
t = datetime.datetime.fromisoformat(ev[-1]["time"].replace("Z", "+00:00")).timestamp()
print(round(t - time.time()))'
}
to_stage2() {  # N: reprovision, netboot and checkpoint stage 1 -> booting stage 2
  local name=$1 n=$2
  api -X POST "$user/reprovision?site=lab&host=$name" -o /dev/null || vq_fail "reprovision $name"
  vq_wait_for 5 phase_is "$name" awaiting_reboot || vq_fail "$name: $(phase_of "$name")"
  checkpoint "$n" install
  vq_wait_for 5 phase_is "$name" booting || vq_fail "$name not booting: $(phase_of "$name")"
}
declare -A started failed_at timeout_of
# Polls every host of `started` at once (one /hosts a turn, no python: a loaded machine
# starts it slowly), noting the real time each is first seen failed.
watch_failures() {
  local deadline=$((SECONDS + 30)) h body left
  while [ $SECONDS -lt $deadline ]; do
    body=$(api "$user/hosts") || body=""
    left=0
    for h in "${!started[@]}"; do
      [ -n "${failed_at[$h]:-}" ] && continue
      if echo "$body" | grep -o "\"host\":\"$h\"[^}]*" | vq_matches '"phase":"failed"'; then
        failed_at[$h]=$(now_ms)
      else
        left=$((left + 1))
      fi
    done
    [ $left -eq 0 ] && return 0
    sleep 0.1
  done
}
check_failed() {  # NAME: seconds (real) from its start to failed, within bounds
  local name=$1 timeout=${timeout_of[$1]} secs
  [ -n "${failed_at[$name]:-}" ] || vq_fail "$name did not fail within 30 s: $(phase_of "$name")"
  secs=$(python3 -c "print('%.1f' % ((${failed_at[$name]} - ${started[$name]}) / 1000))")
  vq_log "$name failed ${secs} s after its deadline started (timeout $timeout s)"
  python3 -c "import sys; sys.exit(0 if $timeout - 1 <= $secs <= $timeout + $margin else 1)" ||
    vq_fail "$name failed after $secs s: outside [$((timeout - 1)), $((timeout + margin))] s"
  echo "$name $secs" >> "$VQ_TMP/figures"
}

start "$VQ_TMP/run1.log"

# --- the offset reaches the process, or this test proves nothing ---
api -X POST "$user/reprovision?site=lab&host=node-d" -o /dev/null || vq_fail "reprovision node-d"
vq_wait_for 5 phase_is node-d awaiting_reboot || vq_fail "node-d: $(phase_of node-d)"
skew0=$(event_skew 4)
jump "+1h"
checkpoint 4 install  # node-d: stage 1 done at +1 h
skew1=$(event_skew 4)
vq_log "event time - real time: ${skew0} s at +0, ${skew1} s at +1 h"
[ "${skew0#-}" -lt 60 ] || vq_fail "at +0 the event time is off by $skew0 s"
[ "$skew1" -gt 3500 ] && [ "$skew1" -lt 3700 ] ||
  vq_fail "libfaketime does not move vaquero's wall clock: skew $skew1 s at +1 h"
jump "+0"

# --- node-a: its deadline starts at +0, then the clock jumps forward an hour ---
to_stage2 node-a 1
started[node-a]=$(now_ms)
jump "+1h"
sleep 1.5  # the engine ticks every second
phase_is node-a booting ||
  vq_fail "node-a is $(phase_of node-a) right after the forward jump: a wall-clock deadline"
# --- node-c: its validate container's timeout starts at +1 h ---
api -X POST "$user/reprovision?site=lab&host=node-c" -o /dev/null || vq_fail "reprovision node-c"
vq_wait_for 5 phase_is node-c awaiting_reboot || vq_fail "node-c: $(phase_of node-c)"
checkpoint 3 check
vq_wait_for 5 phase_is node-c validating || vq_fail "node-c not validating: $(phase_of node-c)"
started[node-c]=$(now_ms)
# --- node-b: its deadline starts at +1 h, then the clock jumps back two hours ---
to_stage2 node-b 2
started[node-b]=$(now_ms)
jump "-1h"
# Both deadlines that started at +1 h must still be running, or the jump back tested nothing.
phase_is node-b booting && phase_is node-c validating ||
  vq_fail "too slow: node-b $(phase_of node-b), node-c $(phase_of node-c) before the jump back"
checkpoint 4 disk  # node-d: stage 2 done at -1 h, two hours "before" stage 1
skew2=$(event_skew 4)
[ "$skew2" -lt -3500 ] && [ "$skew2" -gt -3700 ] || vq_fail "the backward jump did not reach vaquero: $skew2 s"

timeout_of=([node-a]=$stage_timeout [node-b]=$stage_timeout [node-c]=$validate_timeout)
watch_failures
for h in node-c node-a node-b; do check_failed "$h"; done
if [ -s "$VQ_TMP/hang.pid" ] && kill -0 "$(cat "$VQ_TMP/hang.pid")" 2>/dev/null; then
  vq_fail "node-c's container (pid $(cat "$VQ_TMP/hang.pid")) outlived its timeout"
fi
phase_is node-d provisioned || vq_fail "node-d is $(phase_of node-d), not provisioned"

# --- the order is what happened, though the times say otherwise ---
# ORDER FILE: the transitions ("to" phases) or HOST_STATE events of a host, in the order
# given; "times-go-back" when a later one has an earlier time (the jump reached them).
cat > "$VQ_TMP/order.py" <<'PY'
import json, sys, datetime
doc = json.load(open(sys.argv[2]))
def t(s): return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
if sys.argv[1] == "transitions":
    items = [(x["to"] + ":" + str(x["stage"]), t(x["time"])) for x in doc["transitions"]]
else:
    items = []
    for e in doc["events"]:
        if e["kind"] == "HOST_STATE":
            d = dict(kv.split("=", 1) for kv in e["detail"].split() if "=" in kv)
            items.append((d["to"] + ":" + d["stage"], t(e["time"])))
        elif e["kind"].startswith("HTTP_CHECKPOINT"):
            items.append(("checkpoint", t(e["time"])))
print(" ".join(k for k, _ in items))
back = any(b < a - 1800 for (_, a), (_, b) in zip(items, items[1:]))
print("times-go-back" if back else "times-ordered")
PY
expected="pending:1 awaiting_reboot:1 booting:1 booting:2 provisioned:2"
check_order() {  # WHAT
  api "$user/hosts/lab/node-d" > "$VQ_TMP/transitions.json" || vq_fail "no transitions for node-d"
  python3 "$VQ_TMP/order.py" transitions "$VQ_TMP/transitions.json" > "$VQ_TMP/order.out"
  local got; got=$(sed -n 1p "$VQ_TMP/order.out")
  [[ "$got" == *"$expected" ]] ||
    vq_fail "$1: node-d's transitions are out of order: $got (want ...$expected)"
  [ "$(sed -n 2p "$VQ_TMP/order.out")" = times-go-back ] ||
    vq_fail "$1: node-d's transition times do not go back: the jump did not reach them"
  vq_log "$1: node-d's transitions in order ($got), their times going back an hour"
}
check_order "transitions"
api "$base/events/$(mac 4)" > "$VQ_TMP/events.json" || vq_fail "no events for node-d"
python3 "$VQ_TMP/order.py" events "$VQ_TMP/events.json" > "$VQ_TMP/events.out"
got=$(sed -n 1p "$VQ_TMP/events.out")
# Each checkpoint's HTTP event follows the transitions it caused (recorded once answered).
[[ "$got" == *"pending:1 awaiting_reboot:1 booting:1 booting:2 checkpoint provisioned:2 checkpoint" ]] ||
  vq_fail "node-d's /events are out of order: $got"
[ "$(sed -n 2p "$VQ_TMP/events.out")" = times-go-back ] || vq_fail "node-d's event times do not go back"
vq_log "events: node-d's timeline in order ($got)"

# A restart reads the history back from the store, in the order it was written.
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
start "$VQ_TMP/run2.log"
check_order "after a restart"
vq_log "standalone: $(tr '\n' ' ' < "$VQ_TMP/figures")(seconds to failed, real); skews ${skew1} s and ${skew2} s"

# --- an agent's session across jumps of its own clock ---
# `vaquero server` keeps the real time; `vaquero agent` runs under libfaketime. Its session
# (15 min, renewed a minute before it ends) must be renewed by the agent's monotonic clock:
# with its wall clock an hour ahead, and then an hour behind, it logs in once and serves,
# instead of logging in again on every request (or holding on to a session past its end).
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
vq_require_tools openssl
pki=$VQ_TMP/pki
mkdir -p "$pki"
# Issued a day ago (as real certificates are, long before they are used): TLS checks their
# validity on the wall clock, and an agent an hour behind must still accept them.
ago() { LD_PRELOAD="$libfaketime" FAKETIME="-1d" FAKETIME_DONT_FAKE_MONOTONIC=1 "$@"; }
(
  cd "$pki"
  ago openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3 -subj /CN=vq-test-ca
  openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=vq-server
  printf 'subjectAltName=IP:127.0.0.1\n' > server.ext
  ago openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3 \
    -out server.pem -extfile server.ext
) >/dev/null 2>&1 || vq_fail "openssl could not make the test PKI"
sport=$(vq_free_port) hport=$(vq_free_port)
cat > "$VQ_TMP/server.yaml" <<YAML
ServerAPI: {Addr: 127.0.0.1, Port: $sport, PrivateKey: $pki/server.key, PublicKey: $pki/server.pem}
UserApi: {Addr: 127.0.0.1, Port: $uport}
SavePath: $VQ_TMP/server-state
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: "$sot"}
Log: {Level: info, Location: stdout, Type: text}
YAML
cat > "$VQ_TMP/agent.yaml" <<YAML
ServerClient: {Addr: 127.0.0.1, Port: $sport, CAFile: $pki/ca.pem}
SavePath: $VQ_TMP/agent-state
Log: {Level: info, Location: stdout, Type: text}
YAML
shared=shared-secret-for-tests
vq_bg env VAQUERO_SERVER_SECRET=server-secret-for-tests "$VAQUERO_BIN" server \
  --config "$VQ_TMP/server.yaml" --shared-secret "$shared" >"$VQ_TMP/server.log" 2>&1
vq_wait_for 20 curl -sf "$user/ready" -o /dev/null || { cat "$VQ_TMP/server.log"; vq_fail "server did not start"; }
jump "+1h"
vq_bg env LD_PRELOAD="$libfaketime" FAKETIME_TIMESTAMP_FILE="$offset" FAKETIME_NO_CACHE=1 \
  FAKETIME_DONT_FAKE_MONOTONIC=1 VAQUERO_SHARED_SECRET="$shared" VAQUERO_SITE_ID=lab \
  VAQUERO_AGENT_ID=a1 "$VAQUERO_BIN" agent --config "$VQ_TMP/agent.yaml" --listen 127.0.0.1 \
  --http-port "$hport" --no-boot-services >"$VQ_TMP/agent.log" 2>&1
agent=http://127.0.0.1:$hport
vq_wait_for 20 curl -sf "$agent/ipxe?mac=$(mac 1)" -o /dev/null ||
  { cat "$VQ_TMP/agent.log"; vq_fail "the agent an hour ahead does not serve"; }
# Its log tells its wall clock: an hour ahead, or the agent part proves nothing.
skew=$(python3 -c '
import datetime, re, sys, time
line = next(l for l in open(sys.argv[1]) if "AGENT_SESSION" in l)
t = re.match(r"time=(\S+)", line).group(1)
print(round(datetime.datetime.fromisoformat(t).timestamp() - time.time()))' "$VQ_TMP/agent.log")
[ "$skew" -gt 3500 ] && [ "$skew" -lt 3700 ] || vq_fail "the agent's clock is not an hour ahead: $skew s"
logins() { grep -c AGENT_LOGIN "$VQ_TMP/server.log" || true; }
# It talks to the server all the time (a long poll of revisions, task leases, events).
for i in $(seq 1 20); do curl -sf "$agent/ipxe?mac=$(mac 1)" -o /dev/null; sleep 0.25; done
ahead=$(logins)
jump "-1h"
for i in $(seq 1 20); do curl -sf "$agent/ipxe?mac=$(mac 1)" -o /dev/null; sleep 0.25; done
behind=$(logins)
curl -sf "$agent/ipxe?mac=$(mac 1)" | vq_matches vmlinuz || vq_fail "the agent an hour behind does not serve"
vq_log "agent sessions: $ahead login(s) in 5 s an hour ahead, $behind in all after jumping back"
[ "$ahead" -le 2 ] || vq_fail "an agent an hour ahead logged in $ahead times in 5 s: its session runs on the wall clock"
[ "$behind" -le 2 ] || vq_fail "after jumping back, $behind logins"
# An agent that starts with its clock an hour behind cannot log in (its login token lives a
# minute by its own clock): it is refused with a reason that points at the clock.
sed "s|agent-state|agent2-state|" "$VQ_TMP/agent.yaml" > "$VQ_TMP/agent2.yaml"  # no cache
set +e
env LD_PRELOAD="$libfaketime" FAKETIME_TIMESTAMP_FILE="$offset" FAKETIME_NO_CACHE=1 \
  FAKETIME_DONT_FAKE_MONOTONIC=1 VAQUERO_SHARED_SECRET="$shared" VAQUERO_SITE_ID=lab \
  VAQUERO_AGENT_ID=a2 timeout 30 "$VAQUERO_BIN" agent --config "$VQ_TMP/agent2.yaml" --listen 127.0.0.1 --http-port 0 --no-boot-services \
  --start-wait 2 >"$VQ_TMP/agent2.log" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "expired (this machine's clock is behind" "$VQ_TMP/agent2.log" ||
  vq_fail "an agent an hour behind: exit $rc, $(tail -3 "$VQ_TMP/agent2.log")"
vq_log "an agent started an hour behind is refused: $(grep -o "login refused[^\"]*" "$VQ_TMP/agent2.log" | sed -n 1p)"
vq_log "PASS (agent): one session across both jumps"
