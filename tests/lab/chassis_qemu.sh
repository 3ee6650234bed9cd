#!/bin/sh
# ipmi_sim's chassis_control hook for a lab machine: a full BMC model whose chassis is a QEMU
# process. ipmi_sim calls it as
#   chassis_qemu.sh DIR <mc> get power|boot...   -> prints power:N / boot:X
#   chassis_qemu.sh DIR <mc> set power 1|0 | set boot pxe|default | set shutdown 1
# DIR/vm.sh starts the machine (written by tests/lab/rollout.sh: QEMU on its tap, with its MAC
# and firmware) and execs QEMU, so the PID recorded in DIR/qemu.pid is QEMU's own.
#   set power 1   starts DIR/vm.sh in the background unless that PID still runs
#   set power 0   kills that PID (by PID only) and waits for it, bounded
#   get power     1 while that PID runs: a guest that powers itself off reads 0
#   set boot X    records the boot device; power-on consumes it (one-time boot)
# Every call is appended to DIR/calls.log with the time (epoch seconds), so tests can check the
# order "set boot pxe" -> "set power 1"; power-ons also log the boot device they consumed.
dir=$1
shift 2
now() { date +%s.%N; }
echo "$(now) $*" >>"$dir/calls.log"

# The recorded PID runs and is still this machine (vm.sh, then the QEMU it execs): a zombie
# waiting to be reaped or a recycled PID is a machine that is off.
running() {
  pid=$(cat "$dir/qemu.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  comm=${stat#*(}
  comm=${comm%%)*}
  state=${stat##*) }
  state=${state%% *}
  [ "$state" != Z ] && case $comm in vm.sh | qemu-system-*) true ;; *) false ;; esac
}

power_on() {
  running && return 0
  boot=$(cat "$dir/boot" 2>/dev/null || echo default)
  echo default >"$dir/boot"
  echo "$(now) power-on boot=$boot" >>"$dir/calls.log"
  # Detached from ipmi_sim's pipe: ipmi_sim waits for this script's output to end.
  "$dir/vm.sh" </dev/null >>"$dir/vm.log" 2>&1 &
  echo $! >"$dir/qemu.pid"
}

power_off() {
  running || return 0
  kill "$pid" 2>/dev/null
  i=0
  while [ $i -lt 50 ] && running; do
    sleep 0.1
    i=$((i + 1))
  done
  running && kill -9 "$pid" 2>/dev/null
  echo "$(now) power-off pid=$pid" >>"$dir/calls.log"
}

op=$1
shift
case $op in
get)
  for what in "$@"; do
    case $what in
    power) if running; then echo "power:1"; else echo "power:0"; fi ;;
    boot) echo "boot:$(cat "$dir/boot" 2>/dev/null || echo default)" ;;
    esac
  done
  ;;
set)
  while [ $# -ge 2 ]; do
    case $1 in
    power) if [ "$2" = 1 ]; then power_on; else power_off; fi ;;
    boot) echo "$2" >"$dir/boot" ;;
    # ACPI shutdown: QEMU's guest has no ACPI daemon; like a hung OS, it is ignored.
    shutdown) ;;
    esac
    shift 2
  done
  ;;
esac
exit 0
