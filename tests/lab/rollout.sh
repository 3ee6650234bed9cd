# A rollout in the QEMU lab: three machines behind virtual BMCs (OpenIPMI's ipmi_sim, whose
# chassis is tests/lab/chassis_qemu.sh: power on starts the machine's QEMU, power off kills
# it), provisioned on Vaquero's first revision; an edit of the SoT makes Vaquero's state
# engine reprovision them through IPMI, masters before workers. Used by
# tests/system/qemu_rollout_test.sh and `make demo`. Source after lib.sh and vaquero.sh.
#   lab_rollout_start NS FILES   network (a tap per machine, BMC addresses), SoT, BMCs, Vaquero
#   lab_rollout_edit             the edit (a new kernel argument in the OS all three boot),
#                                `vaquero plan` of it (printed, kept in $VQ_TMP/plan.txt)
#   lab_rollout_apply SECS       copies the edit into the served SoT, waits (bounded) until every
#                                machine is provisioned on the new revision
#   lab_rollout_report [--check] rollout order and each machine's timeline; --check asserts
#   lab_rollout_stop             powers the machines off and stops the BMCs, by PID
LAB_ROLLOUT_BMC_USER="admin"
# A canary: the secret-scan of qemu_rollout_test searches every output for it.
LAB_ROLLOUT_BMC_PASS=Canary-5e7c1b9d
LAB_ROLLOUT_ARG=vq.rollout=2  # the kernel argument the edit adds
LAB_USER_PORT=24604
# name firmware mac ipv4 role tap bmc-address workflow
LAB_ROLLOUT=(
  "lab-master bios 52:54:00:00:99:31 10.99.0.31 master tap1 10.99.9.31 masters"
  "lab-worker-1 bios 52:54:00:00:99:32 10.99.0.32 worker tap2 10.99.9.32 workers"
  "lab-worker-2 uefi 52:54:00:00:99:33 10.99.0.33 worker tap3 10.99.9.33 workers"
)
for _h in "${LAB_ROLLOUT[@]}"; do
  read -r _name _fw _mac _ip _role _rest <<<"$_h"
  LAB_HOSTS+=("$_name $_mac $_ip $_role")  # for lab_host / lab_config_ok
done
unset _h _name _fw _mac _ip _role _rest
source "$LAB_ROOT/tests/system/power/bmc.sh"

lab_rollout_net() {  # lab_rollout_net NS
  local h name fw mac ip role tap bmc wf
  lab_net_flat "$1"
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name fw mac ip role tap bmc wf <<<"$h"
    lab_tap "$1" br0 "$tap"
    # BMCs listen on the namespace's loopback, next to Vaquero, off the machines' LAN.
    ip -n "$1" addr add "$bmc/32" dev lo
  done
}

# The served SoT: examples/lab with the three machines (each with its BMC) and two workflows.
lab_rollout_sot() {  # lab_rollout_sot DIR FILES
  local dir=$1 h name fw mac ip role tap bmc wf n=0 boot_type
  lab_vq_sot "$dir" server "$2"
  sed -i 's|^agents:|  - id: lab-bmc\n    cidr: 10.99.9.0/24\n    dns:\n      - 10.99.0.1\nagents:|' \
    "$dir/sites/lab/env.yml"
  : >"$dir/sites/lab/inventory.yml"
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name fw mac ip role tap bmc wf <<<"$h"
    n=$((n + 1))
    boot_type=legacy
    [ "$fw" = bios ] || boot_type=efi
    cat >>"$dir/sites/lab/inventory.yml" <<EOF
---
name: $name
interfaces:
  - type: physical
    subnet: lab-net
    mac: $mac
    ipv4: $ip
  - type: bmc
    subnet: lab-bmc
    mac: 52:54:00:00:98:3$n
    ipv4: $bmc
    bmc:
      type: ipmi
      username: $LAB_ROLLOUT_BMC_USER
      password: $LAB_ROLLOUT_BMC_PASS
      boot_type: $boot_type
metadata:
  role: $role
workflow: $wf
EOF
  done
  printf '%s\n' 'id: masters' 'workflow:' '  - boot: lab-boot' 'deps:' '  max_concurrent: 1' \
    '  min_standing: 1' >"$dir/workflows/masters.yml"
  printf '%s\n' 'id: workers' 'workflow:' '  - boot: lab-boot' 'deps:' '  block_deps: [masters]' \
    >"$dir/workflows/workers.yml"
  rm -f "$dir/workflows/lab.yml"
  printf 'UserApi:\n  Addr: %s\n  Port: %s\n' "$LAB_SRV" "$LAB_USER_PORT" >>"$VQ_TMP/standalone.yml"
}

# One BMC per machine; its vm.sh starts the machine's QEMU (serial console, time-stamped, in
# $VQ_TMP/NAME.serial).
lab_rollout_bmcs() {  # lab_rollout_bmcs NS
  local ns=$1 h name fw mac ip role tap bmc wf dir
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name fw mac ip role tap bmc wf <<<"$h"
    dir=$VQ_TMP/bmc-$name
    vq_bmc_config "$dir" "$bmc" 623 "$LAB_ROLLOUT_BMC_USER" "$LAB_ROLLOUT_BMC_PASS" \
      "$LAB_DIR/chassis_qemu.sh"
    lab_qemu_args "$fw" "$mac" "$tap" "$dir/state/vars"
    : >"$VQ_TMP/$name.serial"
    {
      echo '#!/bin/bash'
      echo "# $name: started by its BMC on power-on; execs QEMU (the PID the BMC kills)."
      declare -f lab_stamp
      [ "$fw" != uefi ] || printf 'cp %q %q\n' "$LAB_OVMF_VARS" "$dir/state/vars"
      printf 'exec'
      printf ' %q' "${LAB_QEMU_ARGS[@]}"
      printf ' </dev/null > >(lab_stamp %q) 2>&1\n' "$VQ_TMP/$name.serial"
    } >"$dir/state/vm.sh"
    chmod 755 "$dir/state/vm.sh"
    vq_bmc_start "$ns" "$dir"
  done
}

lab_rollout_power() {  # lab_rollout_power NS HOST ACTION -> vaquero power's output
  timeout 30 ip netns exec "$1" "$VAQUERO_BIN" power --sot "$LAB_ROLLOUT_SOT" --host "$2" "$3"
}

lab_rollout_start() {  # lab_rollout_start NS FILES
  local ns=$1 h name rest
  LAB_ROLLOUT_NS=$ns
  LAB_ROLLOUT_SOT=$VQ_TMP/sot
  lab_rollout_net "$ns"
  lab_rollout_sot "$LAB_ROLLOUT_SOT" "$2"
  lab_rollout_bmcs "$ns"
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name rest <<<"$h"
    vq_wait_for 10 lab_rollout_power "$ns" "$name" status ||
      { cat "$VQ_TMP/bmc-$name/ipmi_sim.log" >&2; vq_fail "the BMC of $name does not answer"; }
  done
  lab_vq_start "$ns" "$LAB_ROLLOUT_SOT"
  vq_wait_for 10 lab_rollout_user /hosts "$VQ_TMP/hosts.json" ||
    vq_fail "the User API does not answer on $LAB_SRV:$LAB_USER_PORT"
}

lab_rollout_user() {  # lab_rollout_user PATH OUT: GET on the User API, fails unless 200
  [ "$(ip netns exec "$LAB_ROLLOUT_NS" curl -s -m 5 -o "$2" -w '%{http_code}' \
    "http://$LAB_SRV:$LAB_USER_PORT$1" 2>/dev/null)" = 200 ]
}

lab_rollout_edit() {
  LAB_ROLLOUT_OLD=$VQ_TMP/sot-old
  LAB_ROLLOUT_NEW=$VQ_TMP/sot-new
  rm -rf "$LAB_ROLLOUT_OLD" "$LAB_ROLLOUT_NEW"
  cp -r "$LAB_ROLLOUT_SOT" "$LAB_ROLLOUT_OLD"
  cp -r "$LAB_ROLLOUT_SOT" "$LAB_ROLLOUT_NEW"
  sed -i "s|^  - panic: '-1'$|&\n  - ${LAB_ROLLOUT_ARG%%=*}: \"${LAB_ROLLOUT_ARG#*=}\"|" \
    "$LAB_ROLLOUT_NEW/os/lab-linux.yml"
  grep -q "${LAB_ROLLOUT_ARG%%=*}" "$LAB_ROLLOUT_NEW/os/lab-linux.yml" ||
    vq_fail "could not add $LAB_ROLLOUT_ARG to the lab OS"
  echo "\$ vaquero plan --sot sot-new --from sot-old"
  "$VAQUERO_BIN" plan --sot "$LAB_ROLLOUT_NEW" --from "$LAB_ROLLOUT_OLD" >"$VQ_TMP/plan.txt" 2>&1 ||
    { cat "$VQ_TMP/plan.txt" >&2; vq_fail "vaquero plan failed"; }
  sed 's/^/  /' "$VQ_TMP/plan.txt"
}

lab_rollout_done() {  # every machine provisioned on a revision newer than the edit's base
  lab_rollout_user /hosts "$VQ_TMP/hosts.json" || return 1
  python3 - "$VQ_TMP/hosts.json" "${#LAB_ROLLOUT[@]}" "$LAB_ROLLOUT_BASE" <<'EOF'
import json, sys
hosts = json.load(open(sys.argv[1])).get("hosts", [])
base = int(sys.argv[3])
done = [h for h in hosts if h.get("phase") == "provisioned" and h.get("provisioned_revision", 0) > base]
sys.exit(0 if len(done) >= int(sys.argv[2]) else 1)
EOF
}

lab_rollout_apply() {  # lab_rollout_apply SECS
  local f=os/lab-linux.yml
  # The revision the machines follow before the edit: the store may hold earlier ones (make
  # demo boots other machines from the same SavePath first), so the edit's is not always 2.
  lab_rollout_user /hosts "$VQ_TMP/hosts.json" || vq_fail "GET /hosts failed before the edit"
  LAB_ROLLOUT_BASE=$(python3 -c 'import json, sys
print(max([h.get("revision", 0) for h in json.load(open(sys.argv[1])).get("hosts", [])] or [0]))' \
    "$VQ_TMP/hosts.json")
  LAB_ROLLOUT_T0=$EPOCHREALTIME
  cp "$LAB_ROLLOUT_NEW/$f" "$LAB_ROLLOUT_SOT/$f.tmp"
  mv "$LAB_ROLLOUT_SOT/$f.tmp" "$LAB_ROLLOUT_SOT/$f"  # the watcher never sees half a file
  vq_wait_for "$1" lab_rollout_done && return 0
  echo "---- GET /hosts" >&2
  cat "$VQ_TMP/hosts.json" >&2
  echo >&2
  return 1
}

lab_rollout_report() {  # lab_rollout_report [--check]
  local h name fw mac ip role tap bmc wf args=()
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name fw mac ip role tap bmc wf <<<"$h"
    lab_vq_http "$LAB_ROLLOUT_NS" "/events/$mac" "$VQ_TMP/$name.events.json" >/dev/null
    args+=("$name,$fw,$mac,$ip,$wf")
  done
  python3 "$LAB_DIR/rollout.py" "$@" --tmp "$VQ_TMP" --t0 "$LAB_ROLLOUT_T0" \
    --arg "$LAB_ROLLOUT_ARG" "${args[@]}"
}

lab_rollout_stop() {
  local h name rest pid
  for h in "${LAB_ROLLOUT[@]}"; do
    read -r name rest <<<"$h"
    pid=$(cat "$VQ_TMP/bmc-$name/state/qemu.pid" 2>/dev/null) || pid=
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
    pid=$(cat "$VQ_TMP/bmc-$name/pid" 2>/dev/null) || pid=
    [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  done
}
