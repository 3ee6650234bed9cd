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
