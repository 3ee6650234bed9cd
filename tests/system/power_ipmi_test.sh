#!/usr/bin/env bash
# `vaquero power` with the in-process IPMI driver against OpenIPMI's ipmi_sim in a namespace
# the test creates: status, on, off, cycle, soft (graceful; and forced after soft_timeout),
# one-time PXE boot, cross-checked with ipmitool; wrong password, an address where no BMC
# answers, a BMC that stops answering mid-call (SIGSTOP), a host without BMC, an unknown
# host. The SoT's passwords are canaries: no output of the test may contain them.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/power/bmc.sh"
vq_require_root
vq_require_tools ipmi_sim ipmitool timeout
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

canary=CanaryPw-7f3a9e     # the BMC's real password (IPMI allows 20 bytes)
wrong_canary=WrongPw-c4n4ry  # a wrong one, just as secret
bmc_addr=10.99.7.2
silent_addr=10.99.7.99     # routed to the namespace's loopback, where nothing listens on 623

ns=$(vq_netns_name pw)
vq_netns_add "$ns"
ip -n "$ns" addr add 10.99.7.1/24 dev lo
ip -n "$ns" addr add "$bmc_addr/32" dev lo

bmc=$VQ_TMP/bmc
state=$bmc/state
vq_bmc_config "$bmc" "$bmc_addr" 623 admin "$canary"
vq_bmc_start "$ns" "$bmc"
bmc_pid=$(cat "$bmc/pid")
ipmi() { ip netns exec "$ns" ipmitool -I lanplus -C 3 -H "$bmc_addr" -U admin -P "$canary" "$@"; }
vq_wait_for 10 ipmi chassis power status || { cat "$bmc/ipmi_sim.log"; vq_fail "ipmi_sim did not start"; }

# make_sot DIR PASSWORD SOFT_TIMEOUT: node1's BMC is the simulator; node2 has no BMC; node3's
# BMC address has nothing behind it.
make_sot() {
  local sot=$1 pass=$2 soft_timeout=$3
  mkdir -p "$sot/sites/lab" "$sot/os" "$sot/boot" "$sot/workflows"
  cat > "$sot/sites/lab/env.yml" <<YAML
id: lab
subnets:
  - id: net
    cidr: 10.99.7.0/24
    gateway: 10.99.7.1
    dns: [10.99.7.1]
agents:
  - name: a1
    asset_server: {addr: 10.99.7.1, port: 8080}
YAML
  cat > "$sot/sites/lab/inventory.yml" <<YAML
name: node1
interfaces:
  - type: physical
    subnet: net
    mac: 52:54:00:00:07:01
    ipv4: 10.99.7.11
  - type: bmc
    subnet: net
    mac: 52:54:00:00:17:01
    ipv4: $bmc_addr
    bmc:
      type: ipmi
      username: admin
      password: $pass
      soft_timeout: $soft_timeout
workflow: plain
---
name: node2
interfaces:
  - type: physical
    subnet: net
    mac: 52:54:00:00:07:02
    ipv4: 10.99.7.12
workflow: plain
---
name: node3
interfaces:
  - type: physical
    subnet: net
    mac: 52:54:00:00:07:03
    ipv4: 10.99.7.13
  - type: bmc
    subnet: net
    mac: 52:54:00:00:17:03
    ipv4: $silent_addr
    bmc:
      type: ipmi
      username: admin
      password: $pass
workflow: plain
YAML
  cat > "$sot/os/linux.yml" <<'YAML'
id: linux
major_version: '1'
os_family: Linux
boot:
  kernel: "{{.env.agentURL}}/files/vmlinuz"
YAML
  printf 'id: plain\noperating_system: linux\n' > "$sot/boot/plain.yml"
  printf 'id: plain\nworkflow:\n  - boot: plain\n' > "$sot/workflows/plain.yml"
}
make_sot "$VQ_TMP/sot" "$canary" 0
make_sot "$VQ_TMP/sot-forced" "$canary" 2
make_sot "$VQ_TMP/sot-wrong" "$wrong_canary" 0

out=$VQ_TMP/out
mkdir -p "$out"
n=0
# power NAME SOT ARGS...: runs `vaquero power` in the namespace; output in $out/NAME.{out,err},
# exit code in $rc, wall time in $ms (milliseconds).
power() {
  local name=$1 sot=$2; shift 2
  local t0; t0=$(date +%s%N)
  rc=0
  timeout 60 ip netns exec "$ns" "$VAQUERO_BIN" power --sot "$sot" "$@" \
    >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  ms=$((($(date +%s%N) - t0) / 1000000))
  n=$((n + 1))
  vq_log "$name: exit $rc in ${ms} ms: $(cat "$out/$name.out" "$out/$name.err" | head -c 300)"
}
expect_ok() { [ "$rc" -eq 0 ] || { cat "$out/$1.err"; vq_fail "$1: exit $rc, expected 0"; }; }
expect_fail() {  # NAME WORDS...: exit 1 and the message names host, address and the words
  local name=$1; shift
  [ "$rc" -eq 1 ] || vq_fail "$name: exit $rc, expected 1"
  local w
  for w in "$@"; do grep -qF -- "$w" "$out/$name.err" || { cat "$out/$name.err"; vq_fail "$name: no \"$w\" in the message"; }; done
}
expect_out() { grep -qF -- "$2" "$out/$1.out" || { cat "$out/$1.out"; vq_fail "$1: no \"$2\" in the output"; }; }
file_is() { [ "$(cat "$1" 2>/dev/null)" = "$2" ]; }

# --- status, on, off, cycle, pxe ---
power status "$VQ_TMP/sot" --host node1 status; expect_ok status; expect_out status "power is off"
expect_out status "host node1 (BMC $bmc_addr:623)"

power on "$VQ_TMP/sot" --host node1 on; expect_ok on; expect_out on "powered on"
file_is "$state/power" 1 || vq_fail "on: the chassis is not on"
ipmi chassis power status | vq_matches "is on" || vq_fail "on: ipmitool does not see it on"
power status-on "$VQ_TMP/sot" --host node1 status; expect_ok status-on; expect_out status-on "power is on"

power pxe "$VQ_TMP/sot" --host node1 pxe; expect_ok pxe
file_is "$state/boot" pxe || vq_fail "pxe: boot device is $(cat "$state/boot" 2>/dev/null)"
ipmi chassis bootparam get 5 | vq_matches "Force PXE" || vq_fail "pxe: ipmitool does not see Force PXE"

: > "$state/calls.log"
power cycle "$VQ_TMP/sot" --host node1 cycle; expect_ok cycle; expect_out cycle "power cycled"
grep -q "set power 0" "$state/calls.log" || vq_fail "cycle: the chassis was never powered down"
vq_wait_for 10 file_is "$state/power" 1 || vq_fail "cycle: the chassis did not come back on"

power off "$VQ_TMP/sot" --host node1 off; expect_ok off
file_is "$state/power" 0 || vq_fail "off: the chassis is still on"
ipmi chassis power status | vq_matches "is off" || vq_fail "off: ipmitool does not see it off"

# --- soft: graceful (soft_timeout 0, never forced), then forced after soft_timeout 2 s ---
echo graceful > "$state/soft"; echo 1 > "$state/power"; : > "$state/calls.log"
power soft "$VQ_TMP/sot" --host node1 soft; expect_ok soft; expect_out soft "restarted gracefully"
grep -q "set shutdown 1" "$state/calls.log" || vq_fail "soft: no soft shutdown request"
grep -q "set power 0" "$state/calls.log" && vq_fail "soft: a graceful restart was forced"
grep -q "set power 1" "$state/calls.log" || vq_fail "soft: not powered on again"
file_is "$state/power" 1 || vq_fail "soft: the chassis is not on after the restart"

# An off chassis has nothing to shut down: soft powers it on, without a shutdown request.
echo 0 > "$state/power"; : > "$state/calls.log"
power soft-off "$VQ_TMP/sot" --host node1 soft; expect_ok soft-off
expect_out soft-off "powered on (it was off)"
grep -q "set shutdown" "$state/calls.log" && vq_fail "soft-off: a shutdown request to an off chassis"
file_is "$state/power" 1 || vq_fail "soft-off: the chassis is not on"

echo ignore > "$state/soft"; : > "$state/calls.log"
power soft-forced "$VQ_TMP/sot-forced" --host node1 soft; expect_ok soft-forced
expect_out soft-forced "forced a power cycle"
[ "$ms" -ge 2000 ] || vq_fail "soft-forced: forced after $ms ms, before soft_timeout (2 s)"
grep -q "set power 0" "$state/calls.log" || vq_fail "soft-forced: no hard power cycle"
vq_wait_for 10 file_is "$state/power" 1 || vq_fail "soft-forced: the chassis did not come back on"

# --- failures: exit 1, host and BMC address named, bounded in time ---
power wrong-password "$VQ_TMP/sot-wrong" --host node1 status
expect_fail wrong-password "node1" "$bmc_addr" "wrong username or password"

power silent "$VQ_TMP/sot" --host node3 --timeout 1 status
expect_fail silent "node3" "$silent_addr" "no answer"
[ "$ms" -lt 6000 ] || vq_fail "silent: took $ms ms with --timeout 1"

power no-bmc "$VQ_TMP/sot" --host node2 status; expect_fail no-bmc "node2" "no BMC"
power no-host "$VQ_TMP/sot" --host node9 status; expect_fail no-host "node9" "no such host"
power bad-suite "$VQ_TMP/sot" --host node1 --cipher-suite 17 --timeout 1 status
expect_fail bad-suite "node1" "$bmc_addr" "cipher suite 17"
power port "$VQ_TMP/sot" --host node1 --port 9999 --timeout 1 status
expect_fail port "node1" "$bmc_addr:9999" "no answer"

# The BMC stops answering in the middle of a soft restart (it is polling the power state).
echo ignore > "$state/soft"; echo 1 > "$state/power"; : > "$state/calls.log"
t0=$(date +%s%N)
timeout 60 ip netns exec "$ns" "$VAQUERO_BIN" power --sot "$VQ_TMP/sot-forced" --host node1 \
  --timeout 1 soft >"$out/sigstop.out" 2>"$out/sigstop.err" &
client=$!
vq_wait_for 10 grep -q "set shutdown" "$state/calls.log" || vq_fail "sigstop: no soft shutdown request"
kill -STOP "$bmc_pid"
rc=0; wait "$client" || rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
kill -CONT "$bmc_pid"
vq_log "sigstop: exit $rc in ${ms} ms: $(cat "$out/sigstop.err")"
expect_fail sigstop "node1" "$bmc_addr" "no answer"
[ "$ms" -lt 10000 ] || vq_fail "sigstop: took $ms ms with --timeout 1"
vq_wait_for 10 ipmi chassis power status || vq_fail "the BMC did not recover after SIGCONT"

# --- no secret anywhere ---
if grep -rlF -e "$canary" -e "$wrong_canary" "$out"; then vq_fail "a password appears in the output above"; fi
echo "PASS: power_ipmi ($n vaquero power runs, no password in any output)"
