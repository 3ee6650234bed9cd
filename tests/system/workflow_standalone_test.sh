#!/usr/bin/env bash
# `vaquero standalone` walks a host through a two-stage workflow on loopback: /ipxe serves
# stage 1, the checkpoint moves it to stage 2, a restart on the same SavePath keeps it
# there (state in <SavePath>/vaquero.db), the User API's POST /override sends it back to
# stage 1; /ready, /live, /hosts; an unusable SavePath is a startup error (exit 2).
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3
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
write_config "$VQ_TMP/state"
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

start "$VQ_TMP/run1.log"
[ -f "$VQ_TMP/state/vaquero.db" ] || vq_fail "no vaquero.db in SavePath"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$user/live")" = 200 ] || vq_fail "/live"
stage_is installer || vq_fail "stage 1 not served first"
body=$(curl -sf "$base/checkpoint/$mac?boot=install") || vq_fail "checkpoint refused"
[ "$body" = "stage done: install -> disk (stage 2)" ] || vq_fail "checkpoint said: $body"
stage_is disk || vq_fail "stage 2 not served after the checkpoint"
curl -sf "$base/events/$mac" | vq_matches HOST_STAGE_DONE || vq_fail "no HOST_STAGE_DONE event"
grep -q "HOST_STAGE_DONE" "$VQ_TMP/run1.log" || vq_fail "transition not logged"
stop

start "$VQ_TMP/run2.log"
stage_is disk || vq_fail "stage 2 lost across a restart"
curl -sf "$user/hosts" | vq_matches '"boot":"disk"' || vq_fail "/hosts lacks node1 at disk"
code=$(curl -s -o "$VQ_TMP/o1" -w '%{http_code}' -X POST "$user/override?site=lab&host=node1")
[ "$code" = 400 ] && grep -qx "One or more required parameters missing" "$VQ_TMP/o1" ||
  vq_fail "override without boot: $code $(cat "$VQ_TMP/o1")"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$user/override?site=lab&host=node1&boot=nope")
[ "$code" = 404 ] || vq_fail "override to an unknown boot: $code"
code=$(curl -s -o "$VQ_TMP/o2" -w '%{http_code}' -X POST \
  "$user/override?site=lab&host=node1&boot=install")
[ "$code" = 200 ] && grep -qx "Host current boot reset correctly" "$VQ_TMP/o2" ||
  vq_fail "override: $code $(cat "$VQ_TMP/o2")"
stage_is installer || vq_fail "stage 1 not served after the override"
stop

# An unusable SavePath stops the start with exit 2 and says why.
printf 'x' > "$VQ_TMP/plain-file"
write_config "$VQ_TMP/plain-file/state"
set +e
"$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 --http-port "$port" \
  --no-boot-services >/dev/null 2>"$VQ_TMP/err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "SavePath" "$VQ_TMP/err" || vq_fail "unusable SavePath: rc=$rc $(cat "$VQ_TMP/err")"
echo "PASS"
