#!/usr/bin/env bash
# A git SoT fetched over HTTP with GitHook.Token as the credentials: git's own smart-HTTP
# server (git http-backend, behind a small Python front that demands Basic authentication)
# on loopback. The right token starts the server on the pushed commit; a wrong token, or
# none, stops it at start-up with exit 2 and a message about the credentials.
source "$(dirname "$0")/lib.sh"
vq_require_tools curl python3 git
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
backend=$(git --exec-path)/git-http-backend
[ -x "$backend" ] || vq_skip "needs git http-backend"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

token=tok-$$-$RANDOM
mkdir -p "$VQ_TMP/repos"
git init -q --bare -b main "$VQ_TMP/repos/sot.git"
git init -q -b main "$VQ_TMP/work"
cp -r "$src/examples/vagrant-lab/local/." "$VQ_TMP/work/"
g() { git -C "$VQ_TMP/work" -c user.name=test -c user.email=test@example.invalid -c commit.gpgsign=false "$@"; }
g add -A && g commit -q -m "the lab SoT" && g push -q "$VQ_TMP/repos/sot.git" main
commit=$(g rev-parse HEAD)

cat > "$VQ_TMP/front.py" <<'PY'
# Basic authentication in front of `git http-backend` (CGI), one request at a time.
import base64, http.server, os, subprocess, sys

port, root, token, backend = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
expected = "Basic " + base64.b64encode(("x-access-token:" + token).encode()).decode()

class Front(http.server.BaseHTTPRequestHandler):
    def handle_one(self):
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1",
                   REQUEST_METHOD=self.command, PATH_INFO=path, QUERY_STRING=query,
                   CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)), REMOTE_USER="x-access-token",
                   REMOTE_ADDR="127.0.0.1")
        out = subprocess.run([backend], input=body, env=env, capture_output=True, timeout=30).stdout
        head, _, rest = out.partition(b"\r\n\r\n")
        status = 200
        headers = []
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(rest)))
        self.end_headers()
        self.wfile.write(rest)
    do_GET = do_POST = handle_one
    def log_message(self, *args):
        pass

http.server.HTTPServer(("127.0.0.1", port), Front).serve_forever()
PY
git_port=$(vq_free_port)
vq_bg python3 "$VQ_TMP/front.py" "$git_port" "$VQ_TMP/repos" "$token" "$backend"
vq_wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$git_port/" || vq_fail "the git front did not start"

# config <token>: a standalone config fetching the repository with that token.
config() {
  local http_port user_port gitter_port
  http_port=$(vq_free_port); user_port=$(vq_free_port); gitter_port=$(vq_free_port)
  cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/save-$RANDOM"
UserApi: {Addr: 127.0.0.1, Port: $user_port}
Gitter: {Addr: 127.0.0.1, Port: $gitter_port}
GitHook:
- ID: lab-hook
  URL: "http://127.0.0.1:$git_port/sot.git"
  Token: "$1"
  Secret: s
SoT:
- Git: {ID: lab-git, HookID: lab-hook, Branch: main}
YAML
  echo "$http_port $user_port"
}

read -r http_port user_port < <(config "$token")
log=$VQ_TMP/standalone.log
vq_bg "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
  --http-port "$http_port" --no-boot-services >"$log" 2>&1
pid=${VQ_PIDS[-1]}
vq_wait_for 30 curl -sf "http://127.0.0.1:$user_port/sot" || { cat "$log"; vq_fail "standalone did not start with the token"; }
served=$(curl -sf "http://127.0.0.1:$user_port/sot" | python3 -c 'import json,sys; print(json.load(sys.stdin)["served_commit"])')
[ "$served" = "$commit" ] || vq_fail "served $served, pushed $commit"
grep -q "$token" "$log" && vq_fail "the token appears in the log"
kill -TERM "$pid"; wait "$pid" || vq_fail "standalone exited with $? on SIGTERM"

for wrong in "not-the-token" ""; do
  read -r http_port user_port < <(config "$wrong")
  set +e
  timeout 60 "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
    --http-port "$http_port" --no-boot-services >"$VQ_TMP/wrong.log" 2>&1
  rc=$?
  set -e
  [ "$rc" = 2 ] || { cat "$VQ_TMP/wrong.log"; vq_fail "token '$wrong': exit $rc, want 2"; }
  grep -qi "credentials" "$VQ_TMP/wrong.log" || { cat "$VQ_TMP/wrong.log"; vq_fail "token '$wrong': no word about credentials"; }
done
echo "PASS"
