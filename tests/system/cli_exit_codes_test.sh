#!/usr/bin/env bash
# The binary's exit codes as scripts see them (README "Commands"): 0 success, 2 a usage
# error (migrate's flag rules among them, named). Needs no root and no tool, so it never
# skips.
source "$(dirname "$0")/lib.sh"
[ -x "$VAQUERO_BIN" ] || vq_fail "no vaquero binary at $VAQUERO_BIN"

# expect_exit CODE STDERR-REGEX ARGS...: runs vaquero ARGS, checks its exit code and stderr.
expect_exit() {
  local want=$1 pattern=$2 got=0
  shift 2
  timeout 10 "$VAQUERO_BIN" "$@" </dev/null >"$VQ_TMP/out" 2>"$VQ_TMP/err" || got=$?
  [ "$got" -eq "$want" ] || {
    cat "$VQ_TMP/err" >&2
    vq_fail "vaquero $* exited $got, expected $want"
  }
  [ -z "$pattern" ] || grep -qiE "$pattern" "$VQ_TMP/err" || {
    cat "$VQ_TMP/err" >&2
    vq_fail "vaquero $*: stderr does not match '$pattern'"
  }
  vq_log "vaquero $*: exit $got"
}

expect_exit 0 "" version
expect_exit 2 "^vaquero migrate: --src and --dst are required" migrate
expect_exit 2 "^vaquero migrate: --src-site needs --src-sot" migrate --src a.yaml --dst b.yaml --src-site x
expect_exit 2 "a.yaml" migrate --src a.yaml --dst b.yaml
expect_exit 2 "" no-such-command
expect_exit 2 "" validate --no-such-flag
echo "PASS: exit codes 0 and 2"
