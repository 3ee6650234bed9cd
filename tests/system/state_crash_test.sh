#!/usr/bin/env bash
# Crash safety of the state engine: `vaquero standalone` rolls SoT edits out to four hosts
# whose BMCs are SSH (an sshd in a namespace whose forced command only records which BMC
# address was asked to reboot), a driver checkpoints every host that is booting over HTTP,
# and the process is killed with SIGKILL at random points (24 times), restarted on the same
# SavePath each time. Checked after every restart:
#   - every checkpoint answered 200 before the kill is still there: the host's checkpoint
#     count did not go back, and the rollout transition that checkpoint caused is in the
#     host's stored history;
# and at the end:
#   - no host was power-cycled twice for one transition: per run, reboot actions per host
#     never outnumber its transitions to `rebooting` logged in that run (a restart finds a
#     host rebooting and waits, it does not cycle it again), and the BMC calls per host
#     never outnumber the reboot actions.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools ssh-keygen ssh python3 timeout
[ -x /usr/sbin/sshd ] || vq_skip "needs /usr/sbin/sshd (openssh-server)"
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

ns=$(vq_netns_name sc)
vq_netns_add "$ns"
for n in 1 2 3 4; do ip -n "$ns" addr add "10.99.9.1$n/32" dev lo; done
d=$VQ_TMP/ssh
mkdir -p "$d"
[ -d /run/sshd ] || mkdir -p /run/sshd  # sshd's privilege-separation directory
chmod 700 "$d"
ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$d/id"
cp "$d/id.pub" "$d/authorized_keys"
# The "reboot": records the BMC address it was reached on ($SSH_CONNECTION's third field),
# then takes half a second, as a BMC does, so that kills land while hosts are rebooting.
printf '#!/bin/sh\nset -- $SSH_CONNECTION\necho "$3" >> "%s/reboots.log"\nsleep 0.5\n' "$d" > "$d/fake_reboot.sh"
chmod +x "$d/fake_reboot.sh"
{
  for n in 1 2 3 4; do echo "ListenAddress 10.99.9.1$n:22"; done
  printf '%s\n' "HostKey $d/hostkey" "PidFile none" "UsePAM no" "StrictModes no" \
    "PermitRootLogin prohibit-password" "PasswordAuthentication no" \
    "KbdInteractiveAuthentication no" "AuthorizedKeysFile $d/authorized_keys" \
    "ForceCommand $d/fake_reboot.sh" "MaxStartups 100"
} > "$d/sshd_config"
vq_bg ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log"
vq_wait_for 10 ip netns exec "$ns" bash -c "echo > /dev/tcp/10.99.9.14/22" \
  || { cat "$d/sshd.log"; vq_fail "sshd did not start"; }

sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
printf '%s\n' 'id: lab' 'subnets:' '  - id: net' '    cidr: 10.99.9.0/24' \
  '    gateway: 10.99.9.1' '    dns: [10.99.9.1]' 'agents:' '  - name: a1' \
  '    asset_server: {addr: 127.0.0.1, port: 8080}' > "$sot/sites/lab/env.yml"
for n in 1 2 3 4; do
  printf '%s\n' "name: h$n" "interfaces:" "  - type: physical" "    subnet: net" \
    "    mac: 52:54:00:00:09:0$n" "    ipv4: 10.99.9.10$n" "  - type: bmc" "    subnet: net" \
    "    mac: 52:54:00:00:19:0$n" "    ipv4: 10.99.9.1$n" "    bmc:" "      type: ssh" \
    "      username: root" "      keypath: $d/id" "workflow: two" "---"
done > "$sot/sites/lab/inventory.yml"
printf 'id: installer\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/k"\ncmdline:\n  - gen: "0"\n' \
  > "$sot/os/installer.yml"
printf 'id: disk\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/d"\n' \
  > "$sot/os/disk.yml"
printf 'id: install\noperating_system: installer\n' > "$sot/boot/install.yml"
printf 'id: disk\noperating_system: disk\n' > "$sot/boot/disk.yml"
printf 'id: two\nworkflow:\n  - boot: install\n  - boot: disk\ndeps:\n  max_concurrent: 2\n' \
  > "$sot/workflows/two.yml"
cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state"
UserApi:
  Addr: 127.0.0.1
  Port: 24604
LocalDir:
  PollInterval: 1
SoT:
- Local:
    ID: lab
    Root: "$sot"
YAML

cat > "$VQ_TMP/driver.py" <<'PY'
import json, os, random, re, signal, subprocess, sys, threading, time, urllib.request

vaquero, tmp, sot, reboots_log = sys.argv[1:5]
KILLS = 24
BOOT_PORT, API_PORT = 8080, 24604
MACS = {f"h{n}": f"52:54:00:00:09:0{n}" for n in range(1, 5)}
BMC = {f"10.99.9.1{n}": f"h{n}" for n in range(1, 5)}
CHECKPOINT_REASON = re.compile(r"^(stage \d+ done|last stage done|provisioned from revision \d+|netbooted)$")
deadline = time.monotonic() + 240  # the whole loop, kills and restarts included
rng = random.Random(int(os.environ.get("VQ_SEED", "12")))

def get(port, path, timeout=2.0):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
        return r.status, r.read().decode()

def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)

def start(run):
    log = open(f"{tmp}/run{run:02d}.log", "w")
    p = subprocess.Popen([vaquero, "standalone", "--config", f"{tmp}/config.yaml",
                          "--listen", "127.0.0.1", "--http-port", str(BOOT_PORT),
                          "--no-boot-services"], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        if p.poll() is not None:
            fail(f"run {run}: vaquero exited with {p.returncode} (see run{run:02d}.log)")
        try:
            get(API_PORT, "/hosts")
            get(BOOT_PORT, "/boot.ipxe")
            return p
        except OSError:
            time.sleep(0.05)
    p.kill()
    fail(f"run {run}: vaquero did not answer within 10 s")

def hosts():
    return {h["host"]: h for h in json.loads(get(API_PORT, "/hosts")[1])["hosts"]}

def transitions(name):
    return json.loads(get(API_PORT, f"/hosts/lab/{name}")[1])["transitions"]

acked = {h: 0 for h in MACS}   # checkpoints answered 200, all runs
survive = {}                   # host -> the rollout transition its last acked checkpoint caused
stats = {"checkpoints": 0, "kills_in_flight": 0, "edits": 0, "restarts_with_rebooting": 0}

def drive(stop):
    while not stop.is_set():
        try:
            for name, h in hosts().items():
                if stop.is_set() or h.get("phase") not in ("booting", "rebooting") or "boot" not in h:
                    continue
                code, _ = get(BOOT_PORT, f"/checkpoint/{MACS[name]}?boot={h['boot']}")
                if code != 200:
                    continue
                acked[name] += 1
                stats["checkpoints"] += 1
                caused = [t for t in transitions(name) if CHECKPOINT_REASON.match(t["reason"])]
                if caused:
                    survive[name] = caused[-1]
        except (OSError, ValueError):
            pass  # killed under us: what was acknowledged is counted
        time.sleep(rng.uniform(0.02, 0.3))

def check(run):
    now = hosts()
    if any(h.get("phase") == "rebooting" for h in now.values()):
        stats["restarts_with_rebooting"] += 1
    for name, n in acked.items():
        got = now.get(name, {}).get("checkpoints", 0)
        if got < n:
            fail(f"run {run}: {name} has {got} checkpoints stored, {n} were acknowledged")
    for name, t in survive.items():
        if t not in transitions(name):
            fail(f"run {run}: {name}'s acknowledged transition {t} is lost")

generation = 0
def edit():  # every host out of date: a rollout, two hosts at a time
    global generation
    generation += 1
    stats["edits"] += 1
    with open(f"{sot}/os/installer.yml", "w") as f:
        f.write('id: installer\nmajor_version: "1"\nos_family: Linux\nboot:\n'
                f'  kernel: "{{{{.env.agentURL}}}}/k"\ncmdline:\n  - gen: "{generation}"\n')

for run in range(KILLS + 1):
    if time.monotonic() > deadline:
        fail(f"out of time after {run} runs")
    if run % 4 == 2:
        edit()  # made while the process is down: the restart finds the SoT changed
    p = start(run)
    if run > 0:
        check(run)
    if run == KILLS:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)
        break
    if run % 2 == 1:
        edit()  # seen by the running process
    stop = threading.Event()
    t = threading.Thread(target=drive, args=(stop,))
    t.start()
    time.sleep(rng.uniform(0.3, 3.0))
    try:
        if any(h.get("phase") not in ("provisioned", "pending") for h in hosts().values()):
            stats["kills_in_flight"] += 1
    except OSError:
        pass
    p.send_signal(signal.SIGKILL)
    p.wait()
    stop.set()
    t.join()

# No double power cycle: per run, reboot actions never outnumber transitions to rebooting.
state_re = re.compile(r"HOST_STATE host=lab/(h\d) from=\w+ to=rebooting ")
action_re = re.compile(r"HOST_ACTION host=lab/(h\d) action=reboot ")
actions_total = {h: 0 for h in MACS}
transitions_total = {h: 0 for h in MACS}
for run in range(KILLS + 1):
    text = open(f"{tmp}/run{run:02d}.log").read()
    for name in MACS:
        to_rebooting = len([m for m in state_re.findall(text) if m == name])
        actions = len([m for m in action_re.findall(text) if m == name])
        if actions > to_rebooting:
            fail(f"run {run}: {name} got {actions} reboot actions for {to_rebooting} transitions")
        actions_total[name] += actions
        transitions_total[name] += to_rebooting
calls = {h: 0 for h in MACS}
if os.path.exists(reboots_log):
    for line in open(reboots_log):
        calls[BMC[line.strip()]] += 1
for name in MACS:
    if calls[name] > actions_total[name]:
        fail(f"{name}: {calls[name]} BMC reboots for {actions_total[name]} reboot actions")
if sum(calls.values()) == 0 or stats["checkpoints"] == 0:
    fail(f"nothing happened: {calls} {stats}")
print(f"kills={KILLS} edits={stats['edits']} acked_checkpoints={stats['checkpoints']} "
      f"kills_with_hosts_in_flight={stats['kills_in_flight']} "
      f"restarts_finding_a_host_rebooting={stats['restarts_with_rebooting']} bmc_reboots={calls} "
      f"reboot_actions={actions_total} transitions_to_rebooting={transitions_total}")
PY

mkdir -p "$VQ_TMP/state"
vq_log "24 kills of vaquero standalone during rollouts"
ip netns exec "$ns" timeout 300 python3 "$VQ_TMP/driver.py" "$VAQUERO_BIN" "$VQ_TMP" "$sot" \
  "$d/reboots.log" || { VQ_KEEP=1; vq_fail "crash test failed (logs kept in $VQ_TMP)"; }
vq_log "PASS"
