# Helpers to run OpenIPMI's ipmi_sim as a virtual BMC; source after lib.sh.
#   vq_bmc_config DIR ADDR PORT USER PASSWORD [CHASSIS]   writes DIR/lan.conf and DIR/bmc.emu;
#     the chassis is simulated by CHASSIS (default chassis_control.sh: state files only;
#     tests/lab/chassis_qemu.sh starts and kills a QEMU machine) with its state in DIR/state
#   vq_bmc_start NS DIR                         starts ipmi_sim in namespace NS (PID in DIR/pid)
VQ_BMC_HELPERS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

vq_bmc_config() {
  local dir=$1 addr=$2 port=$3 user=$4 pass=$5 chassis=${6:-$VQ_BMC_HELPERS/chassis_control.sh}
  mkdir -p "$dir/state" "$dir/sim"
  echo 0 > "$dir/state/power"
  cat > "$dir/lan.conf" <<CONF
name "vqbmc"
set_working_mc 0x20
  startlan 1
    addr $addr $port
    priv_limit admin
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "$chassis $dir/state 0x20"
user 2 true "$user" "$pass" admin 10 none md2 md5 straight
CONF
  printf '%s\n' 'mc_setbmc 0x20' \
    'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr' \
    'sel_enable 0x20 1000 0x0a' 'mc_enable 0x20' > "$dir/bmc.emu"
}

vq_bmc_start() {
  local ns=$1 dir=$2
  vq_bg ip netns exec "$ns" ipmi_sim -c "$dir/lan.conf" -f "$dir/bmc.emu" -s "$dir/sim" -n \
    > "$dir/ipmi_sim.log" 2>&1
  echo "${VQ_PIDS[-1]}" > "$dir/pid"
}
