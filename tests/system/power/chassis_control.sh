#!/bin/sh
# ipmi_sim's chassis_control hook for the power tests: a virtual chassis whose state lives
# in files under STATE_DIR. ipmi_sim calls it as
#   chassis_control.sh STATE_DIR <mc> get power|boot...   -> prints power:N / boot:X
#   chassis_control.sh STATE_DIR <mc> set power 1|0 | set boot pxe | set shutdown 1
# STATE_DIR/soft decides what a soft shutdown does: "graceful" powers off, anything else
# (or no file) ignores it, like an OS that hangs on shutdown.
dir=$1; shift 2
echo "$*" >> "$dir/calls.log"
op=$1; shift
case $op in
  get)
    for what in "$@"; do
      case $what in
        power) echo "power:$(cat "$dir/power" 2>/dev/null || echo 0)" ;;
        boot) echo "boot:$(cat "$dir/boot" 2>/dev/null || echo default)" ;;
      esac
    done ;;
  set)
    while [ $# -ge 2 ]; do
      case $1 in
        power) echo "$2" > "$dir/power" ;;
        boot) echo "$2" > "$dir/boot" ;;
        shutdown) [ "$(cat "$dir/soft" 2>/dev/null)" = graceful ] && echo 0 > "$dir/power" ;;
      esac
      shift 2
    done ;;
esac
exit 0
