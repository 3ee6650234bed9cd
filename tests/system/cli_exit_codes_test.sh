#!/usr/bin/env bash
# The binary's exit codes as scripts see them (README "Commands"): 0 success, 1 a SoT with
# errors, 2 a usage error (migrate's flag rules among them, named); and validate of an
# Advanced SoT (sites only, a config: document naming the definitions) with and without
# --config-dir. Needs no root and no tool, so it never skips.
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

# An Advanced SoT: sites/ only, the definitions in a directory of their own.
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
mkdir -p "$VQ_TMP/adv" "$VQ_TMP/defs"
cp -r "$src/examples/vagrant-lab/local/sites" "$VQ_TMP/adv/"
for d in assets boot os workflows; do cp -r "$src/examples/vagrant-lab/local/$d" "$VQ_TMP/defs/"; done
# A configuration in git: validate says so, and checks a checkout of it with --config-dir.
printf 'config:\n  id: defs\n  type: git\n  url: https://git.example.invalid/defs\n' > "$VQ_TMP/adv/sites/test-site/cluster-config.yml"
expect_exit 1 "" validate --sot "$VQ_TMP/adv"
grep -q "note: site test-site takes assets/, os/, boot/ and workflows/ from the git configuration 'defs'" "$VQ_TMP/out" || {
  cat "$VQ_TMP/out"; vq_fail "validate does not say where the definitions are"; }
expect_exit 0 "" validate --sot "$VQ_TMP/adv" --config-dir "$VQ_TMP/defs"
grep -q ": ok$" "$VQ_TMP/out" || { cat "$VQ_TMP/out"; vq_fail "validate --config-dir is not ok"; }
expect_exit 2 "" validate --sot "$VQ_TMP/adv" --config-dir "$VQ_TMP/nowhere"
# A configuration directory (type local): followed as the server follows it.
printf 'config:\n  id: defs\n  type: local\n  url: %s\n' "$VQ_TMP/defs" > "$VQ_TMP/adv/sites/test-site/cluster-config.yml"
expect_exit 0 "" validate --sot "$VQ_TMP/adv"
echo "broken: [" > "$VQ_TMP/defs/os/broken.yml"
expect_exit 1 "" validate --sot "$VQ_TMP/adv"
grep -q "^$VQ_TMP/defs/os/broken.yml:" "$VQ_TMP/out" || { cat "$VQ_TMP/out"; vq_fail "an error in the definitions does not name their file"; }
echo "PASS: exit codes 0, 1 and 2"
