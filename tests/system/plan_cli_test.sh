#!/usr/bin/env bash
# `vaquero plan` end to end on a copy of examples/lab edited with sed: no changes, a comment,
# one host's address, a new host, a workflow switch, an asset every host uses, a BMC
# password that must never be printed, an invalid SoT, a block_deps cycle, --state (a stored
# revision of a standalone that ran on OLD gives the same plan as --from OLD, also from the
# SavePath of a server of two SoTs), JSON.
# Needs no root and no network.
source "$(dirname "$0")/lib.sh"
[ -x "$VAQUERO_BIN" ] || vq_fail "no vaquero binary at $VAQUERO_BIN"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
old="$VQ_TMP/old"
cp -r "$repo/examples/lab" "$old"

# plan <expected exit> [flags...]: runs plan on $VQ_TMP/new, output in $VQ_TMP/out
plan() {
  local want=$1; shift
  local rc=0
  "$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --from "$old" --detailed-exitcode "$@" \
    >"$VQ_TMP/out" 2>"$VQ_TMP/err" || rc=$?
  if [ "$rc" != "$want" ]; then
    cat "$VQ_TMP/out" "$VQ_TMP/err" >&2
    vq_fail "plan $*: exit $rc, expected $want"
  fi
}
fresh() { rm -rf "$VQ_TMP/new"; cp -r "$old" "$VQ_TMP/new"; }
has() { grep -qF -- "$1" "$VQ_TMP/out" || { cat "$VQ_TMP/out" >&2; vq_fail "output lacks: $1"; }; }
lacks() { ! grep -qF -- "$1" "$VQ_TMP/out" "$VQ_TMP/err" || { cat "$VQ_TMP/out" >&2; vq_fail "output has: $1"; }; }
hosts_listed() { grep -cE '^    [~+-] ' "$VQ_TMP/out" || true; }

inv=sites/lab/inventory.yml

vq_log "unchanged copy: no changes, exit 0"
fresh
plan 0
has "No changes"
has "0 rendered"

vq_log "comments and blank lines only: no changes, nothing rendered"
fresh
sed -i '1i # racks moved, nothing else' "$VQ_TMP/new/$inv"
sed -i 's/^workflow: lab$/workflow: lab   # same/' "$VQ_TMP/new/$inv"
plan 0
has "No changes"
has "0 rendered"

vq_log "one host's address: exactly that host, with a diff"
fresh
sed -i 's/ipv4: 10.99.0.11$/ipv4: 10.99.0.31/' "$VQ_TMP/new/$inv"
plan 2
[ "$(hosts_listed)" = 1 ] || vq_fail "expected one host, got $(hosts_listed)"
has "~ lab-bios (workflow lab): waiting for a manual reboot (no usable BMC)"
lacks "iPXE script changed"  # the address is not on the kernel command line
has "stage 1 (boot lab-boot): config changed"
has "-VQ_IPV4=10.99.0.11"
has "+VQ_IPV4=10.99.0.31"
has "1 rendered"
# Without --detailed-exitcode a plan with changes is a success.
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --from "$old" >/dev/null || vq_fail "plain plan failed"

vq_log "new host and removed host"
fresh
sed -i 's/^name: lab-uefi-relay$/name: lab-uefi-relay2/' "$VQ_TMP/new/$inv"
plan 2
has "+ lab-uefi-relay2 (workflow lab): provisioned when it next netboots"
has "new host"
has "- lab-uefi-relay (workflow lab): no longer served"
has "removed host"

vq_log "workflow switch"
fresh
printf 'id: lab2\nworkflow:\n  - boot: lab-boot\ndeps: {max_concurrent: 1}\n' \
  >"$VQ_TMP/new/workflows/lab2.yml"
sed -i '/^name: lab-bios-relay$/,/^workflow:/s/^workflow: lab$/workflow: lab2/' "$VQ_TMP/new/$inv"
plan 2
[ "$(hosts_listed)" = 1 ] || vq_fail "expected one host, got $(hosts_listed)"
has "~ lab-bios-relay (workflow lab2): "
has "workflow changed: lab -> lab2"

vq_log "an asset every host uses: all four, max_concurrent waves"
fresh
sed -i 's/^VQ_ROLE=/VQ_ROLE_NAME=/' "$VQ_TMP/new/assets/untyped/lab.cfg"
printf 'deps:\n  max_concurrent: 3\n' >>"$VQ_TMP/new/workflows/lab.yml"
plan 2
[ "$(hosts_listed)" = 4 ] || vq_fail "expected four hosts, got $(hosts_listed)"
has "Site lab: 2 waves"
has "  wave 2"
has "+VQ_ROLE_NAME=db"
# The 4th host in inventory order is the one in wave 2.
sed -n '/^  wave 2$/,$p' "$VQ_TMP/out" | vq_matches '~ lab-uefi-relay ' || vq_fail "wave 2 is not lab-uefi-relay"

vq_log "a BMC password reaching a config is masked"
fresh
sed -i '/^    ipv4: 10.99.0.11$/a\  - type: bmc\n    subnet: lab-net\n    mac: 52:54:00:00:98:11\n    ipv4: 10.99.0.111\n    bmc: {type: ipmi, username: admin, password: Pl4inT3xtPw}' \
  "$VQ_TMP/new/$inv"
printf '{{ range .host.bmcInterfaces }}VQ_IPMI=-U {{ .bmc.username }} -P {{ .bmc.password }}\n{{ end }}' \
  >>"$VQ_TMP/new/assets/untyped/lab.cfg"
plan 2
has "~ lab-bios (workflow lab): rebooted by Vaquero through its ipmi BMC"
has "+VQ_IPMI=-U admin -P ********"
lacks "Pl4inT3xtPw"
plan 2 --format json
lacks "Pl4inT3xtPw"
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["changes"] and j["summary"]["reprovision"]==1, j["summary"]' \
  "$VQ_TMP/out" || vq_fail "JSON plan is not what was expected"

vq_log "invalid new SoT: exit 1 with file:line diagnostics"
fresh
sed -i 's/^workflow: lab$/workflow: nowhere/' "$VQ_TMP/new/$inv"
plan 1
grep -qE "inventory.yml:[0-9]+:[0-9]+: error: .*unknown workflow \"nowhere\"" "$VQ_TMP/err" \
  || { cat "$VQ_TMP/err" >&2; vq_fail "no file:line diagnostic"; }

vq_log "block_deps cycle: exit 1, reported at its file and line"
fresh
printf 'id: lab2\nworkflow:\n  - boot: lab-boot\ndeps: {block_deps: [lab]}\n' >"$VQ_TMP/new/workflows/lab2.yml"
printf 'deps:\n  block_deps: [lab2]\n' >>"$VQ_TMP/new/workflows/lab.yml"
plan 1
grep -qE "workflows/lab2?.yml:[0-9]+:[0-9]+: error: deps.block_deps\[0\]: block_deps cycle: " \
  "$VQ_TMP/err" || { cat "$VQ_TMP/err" >&2; vq_fail "no cycle diagnostic"; }

vq_log "--state: the newest revision a server stored stands for OLD"
save=$VQ_TMP/save
uport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$VQ_TMP/config.yaml" <<YAML
SavePath: "$save"
UserApi: {Addr: 127.0.0.1, Port: $uport}
SoT:
- Local: {ID: lab, Root: "$old"}
Log: {Level: warning, Location: stdout, Type: text}
YAML
# store LOG: a standalone on config.yaml stores its first revision, then stops.
store() {
  "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 --http-port 0 \
    --no-boot-services >"$1" 2>&1 &
  local sa=$!
  VQ_PIDS+=($sa)
  vq_wait_for 20 curl -sf "http://127.0.0.1:$uport/ready" -o /dev/null ||
    { cat "$1" >&2; vq_fail "standalone did not start"; }
  kill "$sa"; wait "$sa" 2>/dev/null || true
}
store "$VQ_TMP/standalone.log"
fresh
sed -i 's/ipv4: 10.99.0.11$/ipv4: 10.99.0.31/' "$VQ_TMP/new/$inv"
rc=0
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --state "$save" --format json --detailed-exitcode \
  >"$VQ_TMP/state.json" 2>"$VQ_TMP/err" || rc=$?
[ "$rc" = 2 ] || { cat "$VQ_TMP/err" >&2; vq_fail "--state: exit $rc, expected 2 (changes)"; }
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --from "$old" --format json >"$VQ_TMP/from.json" ||
  vq_fail "--from plan failed"
cmp -s "$VQ_TMP/state.json" "$VQ_TMP/from.json" ||
  { diff "$VQ_TMP/from.json" "$VQ_TMP/state.json" | head -20 >&2; vq_fail "--state and --from plans differ"; }
rc=0
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --state "$VQ_TMP/nowhere" >/dev/null 2>"$VQ_TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "not a server's SavePath" "$VQ_TMP/err" ||
  vq_fail "--state without a store: exit $rc: $(cat "$VQ_TMP/err")"
rc=0
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --state "$save" --from "$old" >/dev/null 2>"$VQ_TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "one of --from" "$VQ_TMP/err" || vq_fail "--state with --from: exit $rc"

vq_log "--state of a server with several SoTs: the store with the new SoT's sites is planned against"
# A SavePath as a server of two SoTs leaves it: the first SoT's store (here of a site `edge`)
# in SavePath, the other's (the `lab` store above) in sots/<ID>/.
other=$VQ_TMP/other
cp -r "$old" "$other"
mv "$other/sites/lab" "$other/sites/edge"
sed -i "s|Root: \"$old\"|Root: \"$other\"|; s|SavePath: \"$save\"|SavePath: \"$VQ_TMP/save2\"|" \
  "$VQ_TMP/config.yaml"
store "$VQ_TMP/standalone2.log"
multi=$VQ_TMP/multi
mkdir -p "$multi/sots/lab"
cp "$VQ_TMP/save2"/vaquero.db* "$multi/"
cp "$save"/vaquero.db* "$multi/sots/lab/"
rc=0
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --state "$multi" --format json --detailed-exitcode \
  >"$VQ_TMP/multi.json" 2>"$VQ_TMP/err" || rc=$?
[ "$rc" = 2 ] || { cat "$VQ_TMP/err" >&2; vq_fail "--state of two SoTs: exit $rc, expected 2"; }
cmp -s "$VQ_TMP/multi.json" "$VQ_TMP/from.json" ||
  { diff "$VQ_TMP/from.json" "$VQ_TMP/multi.json" | head -20 >&2; vq_fail "--state of two SoTs planned against the wrong store"; }
cp -r "$VQ_TMP/new/sites/lab" "$VQ_TMP/new/sites/edge"
rc=0
"$VAQUERO_BIN" plan --sot "$VQ_TMP/new" --state "$multi" >/dev/null 2>"$VQ_TMP/err" || rc=$?
[ "$rc" = 1 ] && grep -q "several stores have sites of the new SoT (edge, lab)" "$VQ_TMP/err" &&
  grep -q "sots/lab/vaquero.db: lab" "$VQ_TMP/err" ||
  vq_fail "--state with sites of two stores: exit $rc: $(cat "$VQ_TMP/err")"

vq_log "plan CLI: ok"
