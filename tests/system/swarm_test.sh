#!/usr/bin/env bash
# A swarm of simulated machines (vq-swarm: iPXE ROMs, EDK2 and BIOS PXE ROMs in turn) boots
# through `vaquero standalone` at once, over a link that loses 2 % of frames, duplicates 1 %
# and delays them 10 ms +/- 5 ms (vq-swarm-wire): DHCP, TFTP, boot script, kernel, initrd,
# config, checkpoint. Every machine must end provisioned, and the server must outlive machines
# that drop their downloads half-way.   env: SWARM_MACHINES (200)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../bench/swarm/lib.sh"
vq_require_root
vq_require_tools ip ethtool python3 curl
[ -x "$VAQUERO_BIN" ] || vq_skip "vaquero not built"
[ -x "$SWARM_BUILD/vq-swarm" ] && [ -x "$SWARM_BUILD/vq-swarm-wire" ] || vq_skip "vq-swarm not built"
[ -r /usr/lib/ipxe/ipxe.efi ] && [ -r /usr/lib/ipxe/undionly.kpxe ] || vq_skip "needs package ipxe"
n=${SWARM_MACHINES:-200}

python3 "$SWARM_DIR/gen_sot.py" "$VQ_TMP/sot" 2000 "$VQ_TMP/files" "$VQ_TMP/pxeroms" "$VQ_TMP/served"
swarm_files "$VQ_TMP/files" 256 1024
swarm_pxeroms "$VQ_TMP/pxeroms"
# The machines never run what TFTP brings them: a 128 KiB ipxe.efi keeps EDK2's windowed
# transfer (with its losses) inside the test's time.
truncate -s 128K "$VQ_TMP/pxeroms/ipxe.efi"
srv=$(vq_netns_name sws) cli=$(vq_netns_name swc) wire=$(vq_netns_name sww)
swarm_net "$srv" "$cli" "$wire"
swarm_wire "$wire" 2 1 10 5
head -n "$n" "$VQ_TMP/served" >"$VQ_TMP/list"
swarm_machines "$cli" "$VQ_TMP/list" "$VQ_TMP/machines"
swarm_vaquero "$srv" "$VQ_TMP/sot" "$VQ_TMP/state" "$VQ_TMP/vaquero.log" || vq_fail "standalone did not start"

set +e
swarm_run "$cli" "$VQ_TMP/machines" "standalone+wire" "$VQ_TMP/timelines.jsonl" --timeout 50 | tee "$VQ_TMP/summary"
rc=${PIPESTATUS[0]}
set -e
# Machines that give up on their downloads half-way (0.3 s per request through the impaired
# link) must not take the server down with them (a dropped download used to end the process
# with SIGPIPE).
head -n 60 "$VQ_TMP/machines" >"$VQ_TMP/quitters"
swarm_run "$cli" "$VQ_TMP/quitters" "quitters" "$VQ_TMP/quitters.jsonl" --timeout 15 --http-timeout 0.3 |
  head -n 1 || true
sleep 1
kill -0 "$SWARM_VQ_PID" || vq_fail "standalone died when machines dropped their downloads"
kill "$SWARM_WIRE_PID" 2>/dev/null && wait "$SWARM_WIRE_PID" 2>/dev/null
cat "$VQ_TMP/wire-$wire.log"
grep -q "^SWARM .* machines=$n ok=$n failed=0 provisioned=$n " "$VQ_TMP/summary" ||
  { grep '"ok":false' "$VQ_TMP/timelines.jsonl" | head -n 5 >&2; vq_fail "not every machine was provisioned"; }
[ "$rc" -eq 0 ] || vq_fail "vq-swarm exited $rc"
grep -Eq 'dropped=[1-9]' "$VQ_TMP/wire-$wire.log" || vq_fail "the wire dropped nothing: the test proved no retransmission"
echo "PASS: $n machines provisioned through loss, duplication and jitter; standalone outlived 60 dropped downloads"
