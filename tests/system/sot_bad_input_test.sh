#!/usr/bin/env bash
# `vaquero validate` against hostile SoTs: a YAML alias bomb ("billion laughs") printed by a
# template, a range over it that would write gigabytes, template recursion, a 100 MB file,
# nesting 100,000 deep and invalid UTF-8. Each is refused with file:line, within 20 s and
# 1 GiB of address space; time and peak memory come from /usr/bin/time.
source "$(dirname "$0")/lib.sh"
vq_require_tools python3 /usr/bin/time
[ -x "$VAQUERO_BIN" ] || vq_skip "no vaquero binary at $VAQUERO_BIN"
src=${VQ_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
inv=sites/test-site/inventory.yml

# case NAME: a copy of the vagrant-lab SoT; the generator below writes the bad part.
python3 - "$src/examples/vagrant-lab/local" "$VQ_TMP" <<'PY'
import os, shutil, sys
base, out = sys.argv[1], sys.argv[2]
inv = "sites/test-site/inventory.yml"
snippet = "assets/cloud-config/snippets/etcd2.yml"
host = ("---\nname: bomb\ninterfaces:\n  - type: physical\n    subnet: vagrant1\n"
        "    mac: 00:00:00:00:00:99\n    ipv4: 10.10.10.99\nworkflow: coreos-cloudconfig\n"
        "metadata:\n    role: kube-master\n    mstr: bomb\n")
bomb = ['    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]']
for i in range(1, 10):
    bomb.append(f"    a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
bomb = host + "\n".join(bomb) + "\n"

def case(name, files):
    d = os.path.join(out, name)
    shutil.copytree(base, d)
    for path, data in files.items():
        mode = "ab" if path.startswith("+") else "wb"
        with open(os.path.join(d, path.lstrip("+")), mode) as f:
            f.write(data if isinstance(data, bytes) else data.encode())

def with_snippet(extra):
    text = open(os.path.join(base, snippet)).read()
    return text.replace('{{ define "etcd2" }}', '{{ define "etcd2" }}' + extra, 1)

# Only the bomb host has a9; the other hosts render as before.
only_a9 = '{{ range $k, $v := .host.md }}{{ if eq $k "a9" }}%s{{ end }}{{ end }}'
case("alias_print", {"+" + inv: bomb, snippet: with_snippet(only_a9 % "{{ $v }}")})
case("alias_range", {"+" + inv: bomb, snippet: with_snippet(only_a9 % (
    "{{ range $v }}{{ range . }}{{ range . }}{{ range . }}{{ range . }}{{ range . }}"
    "{{ range . }}{{ range . }}{{ range . }}{{ range . }}{{ printf \"%1000s\" . }}"
    "{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}{{ end }}"))})
recursive = ('{{ define "r" }}{{ if . }}{{ with . }}{{ template "r" . }}{{ end }}{{ end }}'
             '{{ end }}')
case("recursion", {snippet: recursive + with_snippet('{{ template "r" .host }}')})
case("deep_nesting", {"+" + inv: host + "    deep: " + "[" * 100000 + "]" * 100000 + "\n"})
case("invalid_utf8", {"+" + inv: host.replace("mstr: bomb", "mstr: bo\xffmb").encode("latin-1")})
d = os.path.join(out, "file_100mb")
shutil.copytree(base, d)
with open(os.path.join(d, inv), "ab") as f:
    line = b"# " + b"x" * 97 + b"\n"
    for _ in range(105):
        f.write(line * 10000)
PY

# check NAME EXIT PATTERN: validate exits EXIT and prints PATTERN (file:line and why).
check() {
  local name=$1 want=$2 pattern=$3 rc=0
  (ulimit -v 1048576; exec /usr/bin/time -f '%e %M' -o "$VQ_TMP/$name.time" \
    timeout 20 "$VAQUERO_BIN" validate --sot "$VQ_TMP/$name") >"$VQ_TMP/$name.out" 2>&1 || rc=$?
  read -r secs kib < <(tail -1 "$VQ_TMP/$name.time") || true
  vq_log "$name: exit $rc in ${secs}s, peak ${kib} KiB"
  [ "$rc" = "$want" ] || { cat "$VQ_TMP/$name.out" >&2; vq_fail "$name: exit $rc, wanted $want"; }
  grep -qE "$pattern" "$VQ_TMP/$name.out" || { cat "$VQ_TMP/$name.out" >&2; vq_fail "$name: no '$pattern'"; }
  echo "$name $secs $kib" >>"$VQ_TMP/figures"
}
check alias_print 1 'error: .*etcd2.yml:[0-9]+:[0-9]+: .*output exceeds 64 MiB'
check alias_range 1 'error: .*etcd2.yml:[0-9]+:[0-9]+: .*output exceeds 64 MiB'
check recursion 1 'error: .*etcd2.yml:[0-9]+:[0-9]+: .*(templates nest too deep|maximum template depth)'
check deep_nesting 1 "$inv:152:[0-9]+: error: YAML syntax error: nested deeper than 500 levels"
check invalid_utf8 1 "$inv:[0-9]+:[0-9]+: error: YAML syntax error: invalid UTF-8 \(byte 0xff\)"
check file_100mb 2 "$inv: larger than 67108864 bytes"
cat "$VQ_TMP/figures" >&2
echo PASS
