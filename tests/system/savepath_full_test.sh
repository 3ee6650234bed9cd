#!/usr/bin/env bash
# SavePath on a small tmpfs that fills up: a checkpoint is answered 503 (nothing acted on
# that could not be stored), the store stays intact (SQLite integrity_check), the host
# stays where it was; once space is freed the same checkpoint goes through, and a restart
# finds it stored.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools curl python3 mount umount
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"

mac=52:54:00:12:34:56
sot=$VQ_TMP/sot
vq_two_stage_sot "$sot" "$mac"

port=$(vq_free_port)
uport=$(vq_free_port)
write_config() {  # save_path
  cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$1"
UserApi:
  Addr: 127.0.0.1
  Port: $uport
LocalDir:
  PollInterval: 1
SoT:
- Local:
    ID: wf
    Root: $sot
Log:
  Level: info
  Location: stdout
  Type: text
YAML
}
state=$VQ_TMP/state
mkdir -p "$state"
mount -t tmpfs -o size=2m tmpfs "$state" || vq_skip "cannot mount a tmpfs"
# The processes go first (they hold the tmpfs), then the mount, then the rest.
unmount_state() {
  local p
  for p in "${VQ_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  umount "$state" 2>/dev/null || true
}
trap 'unmount_state; vq_cleanup' EXIT
write_config "$state"
base="http://127.0.0.1:$port"
user="http://127.0.0.1:$uport"

start() {  # log file
  vq_bg "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
    --http-port "$port" --no-boot-services >"$1" 2>&1
  pid=${VQ_PIDS[-1]}
  vq_wait_for 20 curl -sf "$user/ready" -o /dev/null || { cat "$1"; vq_fail "standalone did not start"; }
}
stop() {
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && vq_fail "did not stop on SIGTERM"
  wait "$pid" || vq_fail "exit code $? after SIGTERM"
}
stage_is() {  # os dir
  curl -sf "$base/ipxe?mac=$mac" | vq_matches "/files/$1/vmlinuz"
}
integrity() {
  python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' \
    "$state/vaquero.db"
}

start "$VQ_TMP/run1.log"
stage_is installer || vq_fail "stage 1 not served first"
# Fill the tmpfs to the last block.
dd if=/dev/zero of="$state/filler" bs=4k 2>/dev/null || true
avail=$(df --output=avail -k "$state" | tail -1 | tr -d ' ')
vq_log "SavePath full: ${avail} KiB free"
code=$(curl -s -o "$VQ_TMP/c1" -w '%{http_code}' "$base/checkpoint/$mac?boot=install")
vq_log "checkpoint on a full disk: $code $(cat "$VQ_TMP/c1")"
[ "$code" = 503 ] || vq_fail "checkpoint on a full disk answered $code"
stage_is installer || vq_fail "the host moved on although nothing was stored"
# More checkpoints while full: each refused, the process stays up.
for _ in 1 2 3 4 5; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/checkpoint/$mac?boot=install")
  [ "$code" = 503 ] || vq_fail "a repeated checkpoint on a full disk answered $code"
done
kill -0 "$pid" || vq_fail "standalone died on a full disk"
rm -f "$state/filler"
[ "$(integrity)" = ok ] || vq_fail "store corrupted: $(integrity)"
body=$(curl -sf "$base/checkpoint/$mac?boot=install") || vq_fail "checkpoint refused after space was freed"
[ "$body" = "stage done: install -> disk (stage 2)" ] || vq_fail "checkpoint said: $body"
stage_is disk || vq_fail "stage 2 not served after the checkpoint"
stop
[ "$(integrity)" = ok ] || vq_fail "store corrupted after stop: $(integrity)"
start "$VQ_TMP/run2.log"
stage_is disk || vq_fail "stage 2 lost across a restart"
stop
echo "PASS"
