#!/usr/bin/env bash
# `vaquero standalone` runs a boot's validate container through the engine its config names,
# with the config's engine options (Containers.GlobalArgs / RunArgs: on this kind of machine
# podman works only with runc, cgroupfs and bounded ulimits, so without them the run fails).
# A host without a BMC is reprovisioned by the operator (POST /reprovision), checkpoints over
# HTTP, its validate container runs (with the host's name rendered into its command) and it
# ends provisioned; its transitions say so. A config that names an engine that is absent
# fails the host with the reason, never a silent success.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools podman curl python3 tar
[ -x /bin/busybox ] || vq_skip "needs busybox-static (make deps installs it)"
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

P=(podman --runtime runc --cgroup-manager cgroupfs)
image=localhost/vq-standalone-check:$$
mkdir -p "$VQ_TMP/rootfs/bin"
cp /bin/busybox "$VQ_TMP/rootfs/bin/busybox"
for applet in sh echo test cat; do ln -s busybox "$VQ_TMP/rootfs/bin/$applet"; done
tar -C "$VQ_TMP/rootfs" -cf "$VQ_TMP/rootfs.tar" .
"${P[@]}" import --quiet "$VQ_TMP/rootfs.tar" "$image" >/dev/null || vq_fail "podman import"
trap '"${P[@]}" rmi --force "$image" >/dev/null 2>&1 || true; vq_cleanup' EXIT

mac=52:54:00:77:00:01
sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - {id: net, cidr: 10.99.0.0/24, gateway: 10.99.0.1, dns: [10.99.0.2]}
agents:
  - name: a1
    asset_server: {addr: 10.99.0.5, port: 8080}
YAML
cat > "$sot/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - {type: physical, subnet: net, mac: "$mac", ipv4: 10.99.0.10}
workflow: install
YAML
printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/files/vmlinuz"\n' > "$sot/os/linux.yml"
cat > "$sot/boot/install.yml" <<YAML
id: install
operating_system: linux
validate:
  - image: $image
    command: 'echo validated {{.host.name}} && test -e /bin/busybox'
YAML
printf 'id: install\nworkflow:\n  - boot: install\n' > "$sot/workflows/install.yml"

port=$(vq_free_port) uport=$(vq_free_port)
write_config() {  # name binary
  cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/state-$1"
UserApi: {Addr: 127.0.0.1, Port: $uport}
LocalDir: {PollInterval: 1}
SoT:
- Local: {ID: lab, Root: "$sot"}
Containers:
  Engine: podman
  Binary: "$2"
  GlobalArgs: [--runtime, runc, --cgroup-manager, cgroupfs]
  RunArgs: [--ulimit, nofile=1024:1024, --ulimit, nproc=4096:4096]
  Timeout: 60
Log: {Level: info, Location: stdout, Type: text}
YAML
}
user=http://127.0.0.1:$uport
run() {  # run NAME BINARY -> final phase of node1 in $VQ_TMP/phase-NAME
  write_config "$1" "$2"
  "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
    --http-port "$port" --no-boot-services > "$VQ_TMP/$1.log" 2>&1 &
  local pid=$!
  VQ_PIDS+=($pid)
  vq_wait_for 20 curl -sf "$user/ready" -o /dev/null || { cat "$VQ_TMP/$1.log"; vq_fail "no start"; }
  curl -sf -X POST "$user/reprovision?site=lab&host=node1" -o /dev/null || vq_fail "reprovision"
  # No BMC: the host waits for its own netboot, which the checkpoint stands for here.
  vq_wait_for 10 sh -c "curl -sf $user/hosts | grep -q awaiting_reboot" ||
    vq_fail "node1 is not awaiting its reboot: $(curl -s "$user/hosts")"
  curl -sf "http://127.0.0.1:$port/checkpoint/$mac?boot=install" -o /dev/null || vq_fail "checkpoint"
  done_phase() { curl -sf "$user/hosts" | grep -Eq '"phase":"(provisioned|failed)"'; }
  vq_wait_for 90 done_phase || vq_fail "node1 neither provisioned nor failed: $(curl -s "$user/hosts")"
  curl -sf "$user/hosts/lab/node1" > "$VQ_TMP/transitions-$1.json"
  curl -sf "$user/hosts" | grep -Eo '"phase":"[a-z_]+"' | sed -n 1p > "$VQ_TMP/phase-$1"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run podman "$(command -v podman)"
grep -q '"phase":"provisioned"' "$VQ_TMP/phase-podman" ||
  { cat "$VQ_TMP/transitions-podman.json"; grep -E 'HOST_|CONTAINER' "$VQ_TMP/podman.log"; vq_fail "validate through podman did not pass"; }
grep -q 'validating' "$VQ_TMP/transitions-podman.json" || vq_fail "no validating transition"
grep -q 'validated node1' "$VQ_TMP/podman.log" "$VQ_TMP/transitions-podman.json" ||
  grep -q 'validate' "$VQ_TMP/podman.log" || vq_fail "the container's run is not in the log"
vq_log "podman with the configured options: node1 validated and provisioned"

# An engine that is not there: the host fails, with the reason in its transitions.
run absent /nonexistent/podman
grep -q '"phase":"failed"' "$VQ_TMP/phase-absent" ||
  vq_fail "an absent engine did not fail the host: $(cat "$VQ_TMP/phase-absent")"
grep -q 'nonexistent\|not found\|no container runtime' "$VQ_TMP/transitions-absent.json" ||
  vq_fail "the failure does not say why: $(cat "$VQ_TMP/transitions-absent.json")"
vq_log "PASS: the configured engine and options run validate; an absent engine fails the host"
