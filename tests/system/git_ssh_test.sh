#!/usr/bin/env bash
# A git SoT fetched over ssh:// from an sshd the test starts in a namespace, the key held by
# an ssh-agent (what a server runs with). The server's host key must be in known_hosts: a
# known key starts `standalone` on the pushed commit; an unknown host or a changed key stops
# it at start-up with exit 2, naming the problem, before anything is fetched.
source "$(dirname "$0")/lib.sh"
vq_require_root
vq_require_tools ssh-keygen ssh-agent ssh-add git curl timeout python3
[ -x /usr/sbin/sshd ] || vq_skip "needs /usr/sbin/sshd (openssh-server)"
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}

addr=10.99.9.2
ns=$(vq_netns_name gs)
vq_netns_add "$ns"
ip -n "$ns" addr add "$addr/24" dev lo
d=$VQ_TMP/ssh
mkdir -p "$d" "$VQ_TMP/home/.ssh"
[ -d /run/sshd ] || mkdir -p /run/sshd  # sshd's privilege-separation directory
chmod 700 "$d" "$VQ_TMP/home/.ssh"
for k in hostkey otherhostkey id; do ssh-keygen -q -t ed25519 -N '' -f "$d/$k"; done
cp "$d/id.pub" "$d/authorized_keys"
printf '%s\n' "ListenAddress $addr:2222" "HostKey $d/hostkey" "PidFile none" "UsePAM no" \
  "StrictModes no" "PermitRootLogin prohibit-password" "PasswordAuthentication no" \
  "KbdInteractiveAuthentication no" "AuthorizedKeysFile $d/authorized_keys" > "$d/sshd_config"
vq_bg ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$d/sshd_config" 2>>"$d/sshd.log"
vq_wait_for 10 ip netns exec "$ns" bash -c "echo > /dev/tcp/$addr/2222" \
  || { cat "$d/sshd.log"; vq_fail "sshd did not start"; }
vq_bg ssh-agent -D -a "$d/agent.sock" >/dev/null
vq_wait_for 5 test -S "$d/agent.sock" || vq_fail "ssh-agent did not start"
SSH_AUTH_SOCK=$d/agent.sock ssh-add -q "$d/id" || vq_fail "ssh-add"

git init -q --bare -b main "$VQ_TMP/remote.git"
git init -q -b main "$VQ_TMP/work"
cp -r "$src/examples/vagrant-lab/local/." "$VQ_TMP/work/"
g() { git -C "$VQ_TMP/work" -c user.name=test -c user.email=test@example.invalid -c commit.gpgsign=false "$@"; }
g add -A && g commit -q -m "the lab SoT" && g push -q "$VQ_TMP/remote.git" main
commit=$(g rev-parse HEAD)

cat > "$VQ_TMP/config.yaml" <<YAML
SavePath: "$VQ_TMP/save"
UserApi: {Addr: 127.0.0.1, Port: 24604}
Gitter: {Addr: 127.0.0.1, Port: 24603}
GitHook:
- ID: lab-hook
  URL: "ssh://root@$addr:2222$VQ_TMP/remote.git"
  Secret: s
SoT:
- Git: {ID: lab-git, HookID: lab-hook, Branch: main}
YAML
# run [timeout]: standalone in the namespace, HOME pointing at the test's known_hosts.
run() {
  HOME=$VQ_TMP/home SSH_AUTH_SOCK=$d/agent.sock ip netns exec "$ns" timeout "$1" \
    "$VAQUERO_BIN" standalone --config "$VQ_TMP/config.yaml" --listen 127.0.0.1 \
    --http-port 24602 --no-boot-services
}
known() { echo "[$addr]:2222 $(cut -d' ' -f1,2 "$1")" > "$VQ_TMP/home/.ssh/known_hosts"; }
grep -q "\[$addr\]:2222" /etc/ssh/ssh_known_hosts 2>/dev/null && vq_skip "/etc/ssh/ssh_known_hosts names $addr"

# Unknown host, then a changed key: exit 2 with the reason.
: > "$VQ_TMP/home/.ssh/known_hosts"
set +e
run 60 >"$VQ_TMP/unknown.log" 2>&1; rc_unknown=$?
known "$d/otherhostkey.pub"
run 60 >"$VQ_TMP/changed.log" 2>&1; rc_changed=$?
set -e
[ "$rc_unknown" = 2 ] && grep -q "is not in ~/.ssh/known_hosts" "$VQ_TMP/unknown.log" ||
  { cat "$VQ_TMP/unknown.log"; vq_fail "unknown host key: exit $rc_unknown"; }
[ "$rc_changed" = 2 ] && grep -q "does not match known_hosts" "$VQ_TMP/changed.log" ||
  { cat "$VQ_TMP/changed.log"; vq_fail "changed host key: exit $rc_changed"; }

# The right key: the branch is fetched over ssh and served.
known "$d/hostkey.pub"
vq_bg run 120 >"$VQ_TMP/standalone.log" 2>&1
vq_wait_for 30 ip netns exec "$ns" curl -sf http://127.0.0.1:24604/sot ||
  { cat "$VQ_TMP/standalone.log" "$d/sshd.log"; vq_fail "standalone did not start over ssh"; }
served=$(ip netns exec "$ns" curl -sf http://127.0.0.1:24604/sot | python3 -c 'import json,sys; print(json.load(sys.stdin)["served_commit"])')
[ "$served" = "$commit" ] || vq_fail "served $served, pushed $commit"
echo "PASS"
