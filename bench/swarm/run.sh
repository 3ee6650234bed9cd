#!/usr/bin/env bash
# Swarm benchmark: MACHINES simulated machines (vq-swarm; iPXE ROMs, EDK2 and BIOS PXE ROMs in
# turn) power on at once and boot all the way (DHCP, TFTP, boot script, kernel, initrd,
# config, checkpoint) through `vaquero standalone` serving a HOSTS-host SoT, and through the
# reference stack (dnsmasq DHCP + TFTP, nginx serving what Vaquero renders, written out as
# static files) in the same run, rounds alternating. Three phases:
#   1. impaired link: vq-swarm-wire between machines and server, 2 % loss, 1 % duplication,
#      10 ms +/- 5 ms jitter each way (NETEM_ROUNDS per stack; 0 skips the phase)
#   2. clean link (veth): ROUNDS per stack; goal: none fails, Vaquero's p99 <= the reference's
#   3. soak: repeated swarms against Vaquero for SOAK_MINUTES (0 skips), its resident memory
#      and open descriptors read after each; with SOAK_SLICES > 0 the swarms cycle over that
#      many sets of MACHINES hosts (racks that reboot: after the first cycle no host is new),
#      otherwise every swarm brings hosts never seen before while the served ones last
#   usage: bench/swarm/run.sh [BUILD_DIR]
#   env: MACHINES (1000) HOSTS (100000) ROUNDS (2) NETEM_ROUNDS (1) SOAK_MINUTES (0)
#        SOAK_SLICES (0)
#        KERNEL_KB (1024) INITRD_KB (4096) TIMEOUT (600 s per swarm)
#        HTTP_THREADS (standalone's --http-threads; its default, one per core, when unset)
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
export VAQUERO_BIN=$build/vaquero VQ_BUILD_DIR=$build
source "$root/tests/system/lib.sh"
source "$root/bench/swarm/lib.sh"
set +e
[ "$(id -u)" -eq 0 ] || { echo "swarm: skipped (needs root for network namespaces)"; exit 0; }
for t in ip ethtool dnsmasq /usr/sbin/nginx python3 curl; do
  command -v "$t" >/dev/null || { echo "swarm: $t missing (scripts/install-deps.sh bench)"; exit 1; }
done
for b in vaquero vq-swarm vq-swarm-wire; do
  [ -x "$build/$b" ] || { echo "swarm: build $b first"; exit 1; }
done
MACHINES=${MACHINES:-1000}
HOSTS=${HOSTS:-100000}
ROUNDS=${ROUNDS:-2}
NETEM_ROUNDS=${NETEM_ROUNDS:-1}
SOAK_MINUTES=${SOAK_MINUTES:-0}
SOAK_SLICES=${SOAK_SLICES:-0}
TIMEOUT=${TIMEOUT:-600}
results=$VQ_TMP/results
: >"$results"

# A thousand machines on each side need more neighbour entries than the kernel's default
# table holds (1,024 for every namespace together); raised for the run, restored at exit by
# the last of the runs that raised it (see swarm_neigh_raise).
trap 'swarm_neigh_restore; vq_cleanup' EXIT
swarm_neigh_raise

echo "swarm: $MACHINES machines, SoT of $HOSTS hosts, kernel ${KERNEL_KB:-1024} KiB + initrd ${INITRD_KB:-4096} KiB"
python3 "$SWARM_DIR/gen_sot.py" "$VQ_TMP/sot" "$HOSTS" "$VQ_TMP/files" "$VQ_TMP/pxeroms" "$VQ_TMP/served"
swarm_files "$VQ_TMP/files" "${KERNEL_KB:-1024}" "${INITRD_KB:-4096}"
swarm_pxeroms "$VQ_TMP/pxeroms"
served=$(wc -l <"$VQ_TMP/served")
next_slice=0
# Vaquero's machines are new hosts every swarm (never provisioned before) while slices last.
vaquero_list() {  # OUT
  local from=$(((next_slice * MACHINES) % (served - MACHINES) + MACHINES + 1))
  tail -n +"$from" "$VQ_TMP/served" | head -n "$MACHINES" >"$1"
  next_slice=$((next_slice + 1))
}
head -n "$MACHINES" "$VQ_TMP/served" >"$VQ_TMP/ref-list"

start_stacks() {  # PHASE [wire]: vaquero in vs/vc, the reference in rs/rc
  local p=$1 wire=${2:-}
  vs=$(vq_netns_name "vs$p") vc=$(vq_netns_name "vc$p") rs=$(vq_netns_name "rs$p") rc=$(vq_netns_name "rc$p")
  vw= rw=
  if [ -n "$wire" ]; then
    vw=$(vq_netns_name "vw$p") rw=$(vq_netns_name "rw$p")
  fi
  swarm_net "$vs" "$vc" $vw
  swarm_net "$rs" "$rc" $rw
  local t0=$EPOCHREALTIME
  swarm_vaquero "$vs" "$VQ_TMP/sot" "$VQ_TMP/state" "$VQ_TMP/vaquero-$p.log" ||
    { echo "swarm: vaquero did not start"; tail "$VQ_TMP/vaquero-$p.log"; exit 1; }
  printf 'swarm: vaquero serving %s hosts after %.1f s (RSS %s MiB)\n' "$HOSTS" \
    "$(echo "$EPOCHREALTIME - $t0" | bc)" "$(($(awk '/VmRSS/{print $2}' /proc/$SWARM_VQ_PID/status) / 1024))"
  swarm_machines "$rc" "$VQ_TMP/ref-list" "$VQ_TMP/ref-machines"
  swarm_reference "$rs" "$VQ_TMP/ref-$p" "$VQ_TMP/ref-machines" "$VQ_TMP/files" "$VQ_TMP/pxeroms" "$vs" ||
    { echo "swarm: the reference stack did not start"; exit 1; }
  if [ -n "$wire" ]; then
    swarm_wire "$vw" 2 1 10 5
    swarm_wire "$rw" 2 1 10 5
  fi
}

one_swarm() {  # STACK PHASE ROUND
  local stack=$1 p=$2 r=$3 list machines cli out
  if [ "$stack" = vaquero ]; then
    vaquero_list "$VQ_TMP/vq-list"
    swarm_machines "$vc" "$VQ_TMP/vq-list" "$VQ_TMP/vq-machines"
    machines=$VQ_TMP/vq-machines cli=$vc
  else
    machines=$VQ_TMP/ref-machines cli=$rc
  fi
  out=$VQ_TMP/timelines-$stack-$p-$r.jsonl
  sleep 2  # let the new interfaces settle
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  swarm_run "$cli" "$machines" "$stack/$p/$r" "$out" --timeout "$TIMEOUT" >"$VQ_TMP/summary" 2>&1
  sed "s/^SWARM /SWARM load=$load /" "$VQ_TMP/summary" | tee -a "$results"
  grep '"ok":false' "$out" | head -n 3 | cut -c1-400
  if [ "$stack" = vaquero ] && ! kill -0 "$SWARM_VQ_PID" 2>/dev/null; then
    wait "$SWARM_VQ_PID"
    echo "swarm: vaquero is gone (exit status $?); its last lines:"
    tail -n 5 "$VQ_TMP/vaquero-$p.log"
    exit 1
  fi
  mkdir -p "$build/swarm" && cp "$out" "$build/swarm/"
}

rounds() {  # PHASE N
  local r order s
  for r in $(seq 1 "$2"); do
    if [ $((r % 2)) -eq 1 ]; then order=(reference vaquero); else order=(vaquero reference); fi
    for s in "${order[@]}"; do one_swarm "$s" "$1" "$r"; done
  done
}

stop_stacks() {
  local p
  # What vaquero received and answered: with the wire's counters, where a lost exchange was lost.
  [ -n "${vs:-}" ] && kill -0 "$SWARM_VQ_PID" 2>/dev/null && echo "vaquero: $(swarm_counters "$vs")"
  for p in "${VQ_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${VQ_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for p in "${VQ_NETNS[@]}"; do ip netns del "$p" 2>/dev/null; done
  VQ_PIDS=() VQ_NETNS=()
  cat "$VQ_TMP"/wire-*.log 2>/dev/null && rm -f "$VQ_TMP"/wire-*.log
}

if [ "$NETEM_ROUNDS" -gt 0 ]; then
  echo "== phase 1: 2 % loss, 1 % duplication, 10 ms +/- 5 ms jitter, each way"
  start_stacks netem wire
  rounds netem "$NETEM_ROUNDS"
  stop_stacks
fi

if [ "$ROUNDS" -gt 0 ] || [ "$SOAK_MINUTES" -gt 0 ]; then
  echo "== phase 2: clean link"
  start_stacks clean
  rounds clean "$ROUNDS"
fi

if [ "$SOAK_MINUTES" -gt 0 ]; then
  echo "== phase 3: soak, $SOAK_MINUTES minutes of swarms against vaquero"
  soak_end=$((SECONDS + SOAK_MINUTES * 60))
  soak_first=$next_slice
  n=0
  while [ $SECONDS -lt $soak_end ]; do
    [ -d "$VQ_TMP" ] || { echo "swarm: $VQ_TMP was removed under the soak; stopped"; break; }
    n=$((n + 1))
    [ "$SOAK_SLICES" -gt 0 ] && next_slice=$((soak_first + (n - 1) % SOAK_SLICES))
    one_swarm vaquero soak "$n" >/dev/null
    rss=$(awk '/VmRSS/{print $2}' "/proc/$SWARM_VQ_PID/status")
    anon=$(awk '/RssAnon/{print $2}' "/proc/$SWARM_VQ_PID/status")
    fds=$(ls "/proc/$SWARM_VQ_PID/fd" | wc -l)
    grep '^SWARM' "$results" | tail -n 1 | awk -v n="$n" -v rss="$rss" -v anon="$anon" -v fds="$fds" -v t="$SECONDS" \
      '{printf "soak %d t=%ds rss_kib=%d anon_kib=%d fds=%d %s %s %s %s %s\n", n, t, rss, anon, fds, $5, $6, $7, $8, $10}' |
      tee -a "$VQ_TMP/soak"
  done
fi
stop_stacks

echo
echo "== summary"
python3 - "$results" "$VQ_TMP/soak" "$SOAK_SLICES" <<'PY'
import os, re, statistics, sys
rows = []
for line in open(sys.argv[1]):
    if line.startswith("SWARM "):
        kv = dict(re.findall(r"(\w+)=(\S+)", line))
        stack, phase, rnd = kv["label"].split("/")
        rows.append((phase, rnd, stack, kv))
print(f"{'phase':6} {'round':5} {'stack':9} {'load':>5} {'ok':>6} {'failed':>6} {'prov.':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'dhcp rt':>7} {'tftp rt':>7}")
for phase, rnd, stack, kv in rows:
    if phase == "soak":
        continue
    print(f"{phase:6} {rnd:5} {stack:9} {kv['load']:>5} {kv['ok']:>6} {kv['failed']:>6} {kv['provisioned']:>6} "
          f"{kv['p50_ms']:>7} {kv['p99_ms']:>7} {kv['max_ms']:>7} {kv['dhcp_retransmits']:>7} {kv['tftp_retransmits']:>7}")
for phase in ("netem", "clean"):
    by = {}
    for p, rnd, stack, kv in rows:
        if p == phase:
            by.setdefault(rnd, {})[stack] = kv
    ratios = [(float(v["vaquero"]["p99_ms"]) / float(v["reference"]["p99_ms"]),
               float(v["vaquero"]["p50_ms"]) / float(v["reference"]["p50_ms"]))
              for v in by.values() if "vaquero" in v and "reference" in v and float(v["reference"]["p99_ms"]) > 0]
    if ratios:
        p99 = statistics.median(r[0] for r in ratios)
        p50 = statistics.median(r[1] for r in ratios)
        print(f"{phase}: vaquero/reference p99 {p99:.2f}x (goal <= 1.00: {'met' if p99 <= 1 else 'NOT met'}), p50 {p50:.2f}x")
failed = sum(int(kv["failed"]) for _, _, _, kv in rows)
print(f"failed machines over every swarm: {failed}")
status = 1 if failed else 0
if os.path.exists(sys.argv[2]):
    soak = [dict(re.findall(r"(\w+)=(\d+)", l)) for l in open(sys.argv[2])]
    if soak:
        rss = [int(s["rss_kib"]) for s in soak]
        fds = [int(s["fds"]) for s in soak]
        # Warm once every host of the pool has booted (a whole cycle of slices), else after swarm 2.
        warm = max(2, int(sys.argv[3]))
        base = rss[min(warm, len(rss)) - 1]
        print(f"soak: {len(soak)} swarms, {soak[-1]['t']} s; RSS first {rss[0]//1024} MiB, after swarm {warm} {base//1024} MiB, "
              f"last {rss[-1]//1024} MiB, max {max(rss)//1024} MiB; drift from swarm {warm} to last "
              f"{(rss[-1]-base)*100/base:+.1f} %; fds first {fds[0]} last {fds[-1]} max {max(fds)}")
sys.exit(status)
PY
