#!/usr/bin/env bash
# `vaquero power` with the SSH driver against an sshd the test starts in a namespace: the
# "reboot" is a forced command that only records what it was asked to run. Covers status
# (can it connect), cycle/soft running `sudo reboot` (the default) or --ssh-command, the
# host key recorded on first use, a changed host key refused (and nothing run), a refused
# key, nothing listening, an sshd that stops answering (SIGSTOP), and on/off refused.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools ssh-keygen timeout
[ -x /usr/sbin/sshd ] || vq_skip "needs /usr/sbin/sshd (openssh-server)"
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

addr=10.99.8.2
ns=$(vq_netns_name ps)
vq_netns_add "$ns"
ip -n "$ns" addr add 10.99.8.1/24 dev lo
ip -n "$ns" addr add "$addr/32" dev lo
ip -n "$ns" addr add 10.99.8.3/32 dev lo  # node3: the same sshd, another client key
d=$VQ_TMP/ssh
mkdir -p "$d"
[ -d /run/sshd ] || mkdir -p /run/sshd  # sshd's privilege-separation directory
chmod 700 "$d"
for k in hostkey1 hostkey2 id other_id; do ssh-keygen -q -t ed25519 -N '' -f "$d/$k"; done
cp "$d/id.pub" "$d/authorized_keys"
# Whatever the client asks, only this runs: it records the command and exits.
# "broken-reboot" exits 3, as a reboot command that fails would.
printf '#!/bin/sh\necho "$SSH_ORIGINAL_COMMAND" >> "%s/reboots.log"\n[ "$SSH_ORIGINAL_COMMAND" != broken-reboot ]\n[ $? -eq 0 ] || exit 3\n' \
  "$d" > "$d/fake_reboot.sh"
chmod +x "$d/fake_reboot.sh"

sshd_pid=
start_sshd() {  # HOSTKEY
  printf '%s\n' "ListenAddress $addr:22" "ListenAddress 10.99.8.3:22" "HostKey $1" "PidFile none" "UsePAM no" \
    "StrictModes no" "PermitRootLogin prohibit-password" "PasswordAuthentication no" \
    "KbdInteractiveAuthentication no" "AuthorizedKeysFile $d/authorized_keys" \
    "ForceCommand $d/fake_reboot.sh" > "$d/sshd_config"
  vq_bg ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log"
  sshd_pid=${VQ_PIDS[-1]}
  vq_wait_for 10 ip netns exec "$ns" bash -c "echo > /dev/tcp/$addr/22" \
    || { cat "$d/sshd.log"; vq_fail "sshd did not start"; }
}
stop_sshd() { kill "$sshd_pid"; wait "$sshd_pid" 2>/dev/null || true; }

sot=$VQ_TMP/sot
mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
printf '%s\n' 'id: lab' 'subnets:' '  - id: net' '    cidr: 10.99.8.0/24' \
  '    gateway: 10.99.8.1' '    dns: [10.99.8.1]' 'agents:' '  - name: a1' \
  '    asset_server: {addr: 10.99.8.1, port: 8080}' > "$sot/sites/lab/env.yml"
host_doc() {  # NAME MAC IPV4 KEYPATH
  printf '%s\n' "name: $1" "interfaces:" "  - type: physical" "    subnet: net" "    mac: $2" \
    "    ipv4: $3" "    bmc:" "      type: ssh" "      username: root" "      keypath: $4" \
    "workflow: plain"
}
{
  host_doc node1 52:54:00:00:08:01 "$addr" "$d/id"; echo ---
  host_doc node2 52:54:00:00:08:02 10.99.8.99 "$d/id"; echo ---
  host_doc node3 52:54:00:00:08:03 10.99.8.3 "$d/other_id"
} > "$sot/sites/lab/inventory.yml"
printf 'id: linux\nmajor_version: "1"\nos_family: Linux\nboot:\n  kernel: "{{.env.agentURL}}/k"\n' \
  > "$sot/os/linux.yml"
printf 'id: plain\noperating_system: linux\n' > "$sot/boot/plain.yml"
printf 'id: plain\nworkflow:\n  - boot: plain\n' > "$sot/workflows/plain.yml"

out=$VQ_TMP/out
mkdir -p "$out"
power() {  # NAME ARGS...
  local name=$1; shift
  local t0; t0=$(date +%s%N)
  rc=0
  timeout 60 ip netns exec "$ns" "$VAQUERO_BIN" power --sot "$sot" "$@" \
    >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  vq_log "$name: exit $rc in ${ms} ms: $(cat "$out/$name.out" "$out/$name.err" | head -c 300)"
}
expect_rc() { [ "$rc" -eq "$2" ] || { cat "$out/$1.err"; vq_fail "$1: exit $rc, expected $2"; }; }
expect_in() { grep -qF -- "$3" "$out/$1.$2" || vq_fail "$1: no \"$3\" in its std$2"; }
runs() { if [ -f "$d/reboots.log" ]; then wc -l < "$d/reboots.log"; else echo 0; fi; }
K=(--known-hosts-dir "$d/known")

start_sshd "$d/hostkey1"
power status "${K[@]}" --host node1 status; expect_rc status 0; expect_in status out "power is on"
expect_in status out "host node1 (SSH $addr:22)"
grep -q "$addr" "$d/known/known_hosts" || vq_fail "the host key was not recorded on first use"
[ "$(runs)" -eq 0 ] || vq_fail "status ran a command"

power cycle "${K[@]}" --host node1 cycle; expect_rc cycle 0
[ "$(tail -n1 "$d/reboots.log")" = "sudo reboot" ] || vq_fail "cycle did not run 'sudo reboot'"
power soft "${K[@]}" --host node1 --ssh-command "systemctl reboot" soft; expect_rc soft 0
[ "$(tail -n1 "$d/reboots.log")" = "systemctl reboot" ] || vq_fail "soft did not run --ssh-command"
[ "$(runs)" -eq 2 ] || vq_fail "expected 2 reboot commands, saw $(runs)"

power broken "${K[@]}" --host node1 --ssh-command broken-reboot cycle; expect_rc broken 1
expect_in broken err "exited with status 3"
power on "${K[@]}" --host node1 on; expect_rc on 1; expect_in on err "cannot power a host on"
power no-dir --host node1 status; expect_rc no-dir 2; expect_in no-dir err "--known-hosts-dir"
power refused-key "${K[@]}" --host node3 status; expect_rc refused-key 1
expect_in refused-key err "node3"; expect_in refused-key err "refused"
power nothing "${K[@]}" --host node2 --timeout 2 status; expect_rc nothing 1
expect_in nothing err "10.99.8.99"
[ "$ms" -lt 8000 ] || vq_fail "nothing: took $ms ms with --timeout 2"

# An sshd that stops answering (the handshake never completes): bounded by --timeout.
kill -STOP "$sshd_pid"
power stopped "${K[@]}" --host node1 --timeout 2 cycle
kill -CONT "$sshd_pid"
expect_rc stopped 1; expect_in stopped err "node1"
[ "$ms" -lt 10000 ] || vq_fail "stopped: took $ms ms with --timeout 2"

# Same address, new host key: refused, and the reboot command never runs.
stop_sshd
start_sshd "$d/hostkey2"
before=$(runs)
power changed "${K[@]}" --host node1 cycle; expect_rc changed 1
expect_in changed err "host key differs"; expect_in changed err "node1"
[ "$(runs)" -eq "$before" ] || vq_fail "a command ran on a host with a changed key"
[ "$(grep -c "$addr" "$d/known/known_hosts")" -eq 1 ] || vq_fail "known_hosts was changed"
# Key contents never appear in any output (only its path may).
for k in id other_id; do
  if grep -rlF -e "$(sed -n 2p "$d/$k")" "$out"; then vq_fail "private key material in the output above"; fi
done
echo "PASS: power_ssh"
