#!/usr/bin/env bash
# Boot benchmark: power-on -> marker for the same VMs (BIOS and UEFI, full DHCP) booted through
# Vaquero and through the reference stack (dnsmasq DHCP+TFTP + python http.server), in one run,
# alternating the stacks so that machine load hits both alike. Prints medians and the ratio.
# A third stack, "services", is Vaquero's DHCP and TFTP services (their test drivers) with the
# reference HTTP server: it isolates DHCP+TFTP from the rest of `vaquero standalone`.
#   usage: bench/boot/run.sh [BUILD_DIR]      env: BOOT_RUNS (default 3)
# Goal: Vaquero no slower than the reference (ratio <= 1.0). QEMU runs under TCG (no KVM), so
# absolute times depend on the machine; only the ratio matters.
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
export VAQUERO_BIN=${VAQUERO_BIN:-$build/vaquero}
source "$root/tests/lab/lib.sh"
source "$root/tests/lab/vaquero.sh"
set +e

if [ "$(id -u)" -ne 0 ]; then
  echo "boot: skipped (needs root for network namespaces)"
  exit 0
fi
(lab_require >/dev/null) || { echo "boot: skipped (lab tools missing; make deps)"; exit 0; }
[ -x "$VAQUERO_BIN" ] || { echo "boot: no vaquero binary at $VAQUERO_BIN (make build)"; exit 1; }
runs=${BOOT_RUNS:-3}
stacks=(reference)
lab_services_built && stacks+=(services)
stacks+=(vaquero)
lab_prepare_files "$VQ_TMP/files"

declare -A times
one_round() {  # one_round STACK ROUND
  local ns
  ns=$(vq_netns_name bb)
  lab_net_flat "$ns"
  if [ "$1" = reference ]; then
    lab_ref_start "$ns" "$VQ_TMP/files" full
  elif [ "$1" = services ]; then
    lab_services_start "$ns" server
  else
    lab_vq_sot "$VQ_TMP/sot" server "$VQ_TMP/files"
    lab_vq_start "$ns" "$VQ_TMP/sot"
  fi
  local fw host t
  for fw in bios uefi; do
    host=lab-$fw
    lab_qemu "$1-$fw-$2" "$fw" "$(lab_host "$host" mac)" "$LAB_TAP_NS"
    if lab_marker_ok "$1-$fw-$2" "$host"; then
      t=$(lab_at "$VQ_TMP/$1-$fw-$2.serial" VQ-LAB-MARKER)
    else
      t=fail
    fi
    times[$1-$fw]+="$t "
    printf 'boot: round %s %-9s %-4s %s s\n' "$2" "$1" "$fw" "$t"
  done
  lab_stop_all
}

for r in $(seq 1 "$runs"); do
  if [ $((r % 2)) -eq 1 ]; then order=("${stacks[@]}"); else order=($(printf '%s\n' "${stacks[@]}" | tac)); fi
  for s in "${order[@]}"; do one_round "$s" "$r"; done
done

median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }
echo
echo "boot: power-on -> marker, median of $runs (seconds; QEMU TCG)"
ratio() { if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]]; then awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2fx", a/b}'; else echo -; fi; }
printf '  %-8s %10s %10s %8s %10s %8s\n' firmware reference vaquero ratio services ratio
for fw in bios uefi; do
  ref=$(median <<<"${times[reference-$fw]:-}")
  vq=$(median <<<"${times[vaquero-$fw]:-}")
  sv=$(median <<<"${times[services-$fw]:-}")
  printf '  %-8s %10s %10s %8s %10s %8s\n' "$fw" "$ref" "$vq" "$(ratio "$vq" "$ref")" "$sv" "$(ratio "$sv" "$ref")"
done
