# Shared by the dhcp_*_test.sh system tests (sourced after lib.sh).
# dhcp_topology: namespace $SRV (veth s0, 10.99.0.1/24) <-> namespace $CLI (veth c0, no address).
DHCP_TESTD="${VQ_BUILD_DIR:-$(dirname "$VAQUERO_BIN")}/vq-dhcp-testd"

dhcp_require() {
  vq_require_root
  vq_require_tools ip "$@"
  [ -x "$DHCP_TESTD" ] || vq_skip "vq-dhcp-testd not built ($DHCP_TESTD)"
}

dhcp_topology() {
  SRV=$(vq_netns_name ds); CLI=$(vq_netns_name dc)
  vq_netns_add "$SRV"; vq_netns_add "$CLI"
  ip -n "$SRV" link add s0 type veth peer name c0 netns "$CLI"
  ip -n "$SRV" addr add 10.99.0.1/24 dev s0
  ip -n "$SRV" link set s0 up
  ip -n "$CLI" link set c0 up
}

# dhcp_start_testd <fixture.yaml> [extra args]: runs the driver in $SRV, waits for READY.
dhcp_start_testd() {
  local fixture=$1; shift
  ip netns exec "$SRV" "$DHCP_TESTD" --fixture "$fixture" --log-level debug "$@" \
    >"$VQ_TMP/testd.out" 2>"$VQ_TMP/testd.err" &
  VQ_PIDS+=($!)
  TESTD_PID=$!
  vq_wait_for 10 grep -q READY "$VQ_TMP/testd.out" || { cat "$VQ_TMP/testd.err"; vq_fail "testd did not start"; }
}

# A udhcpc script that records the variables it is given.
dhcp_udhcpc_script() {
  cat >"$VQ_TMP/udhcpc.sh" <<'EOS'
#!/bin/sh
[ "$1" = bound ] || exit 0
env | grep -E '^(ip|subnet|router|dns|hostname|domain|ntpsrv|lease|serverid|siaddr|boot_file|broadcast|opt[0-9]+)=' | sort >"$OUT"
EOS
  chmod +x "$VQ_TMP/udhcpc.sh"
}

expect_line() {  # expect_line <file> <exact line>
  grep -qxF "$2" "$1" || { echo "--- $1"; cat "$1"; vq_fail "missing '$2' in $1"; }
}

# dhcp_bridge_topology: namespace $SRV holds bridge br0 (10.99.0.1/24, the agent's side);
# $CLI (veth c0, no address) and $OTH (veth o0, 10.99.0.2/24, another DHCP server) hang
# off it.
dhcp_bridge_topology() {
  SRV=$(vq_netns_name ds); CLI=$(vq_netns_name dc); OTH=$(vq_netns_name do)
  vq_netns_add "$SRV"; vq_netns_add "$CLI"; vq_netns_add "$OTH"
  ip -n "$SRV" link add br0 type bridge
  ip -n "$SRV" addr add 10.99.0.1/24 dev br0
  ip -n "$SRV" link set br0 up
  ip -n "$SRV" link add bc0 type veth peer name c0 netns "$CLI"
  ip -n "$SRV" link add bo0 type veth peer name o0 netns "$OTH"
  for l in bc0 bo0; do ip -n "$SRV" link set "$l" master br0 up; done
  ip -n "$CLI" link set c0 up
  ip -n "$OTH" addr add 10.99.0.2/24 dev o0
  ip -n "$OTH" link set o0 up
}

DHCP_PXE_CLIENT="$(dirname "${BASH_SOURCE[0]}")/pxe_client.py"
pxe_client() { ip netns exec "$CLI" timeout 10 python3 "$DHCP_PXE_CLIENT" --iface c0 "$@"; }

# json_field <json line> <python expression over r>
json_field() { python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }
