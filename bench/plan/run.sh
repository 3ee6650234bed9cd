#!/usr/bin/env bash
# Plan benchmark: a generated SoT of $HOSTS hosts (default 100,000; bench/model's generator)
# where 10 % of the hosts (the first inventory file of each site's ten) use a workflow whose
# Ignition asset calls a snippet; NEW is a copy with that snippet edited. Times, in the same
# run: `vaquero plan --sot NEW --from OLD` (reads both, loads NEW and the part of OLD it
# needs, fingerprints, renders and diffs the changed hosts, JSON out), `vaquero validate
# --sot NEW` (load + render checks of every host) and the in-memory load of NEW alone
# (vq-model-bench run), each best of $RUNS.
# Usage: bench/plan/run.sh <build-dir>
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
HOSTS=${HOSTS:-100000}
RUNS=${RUNS:-2}
gen=$build/vq-model-bench
vaquero=$build/vaquero
for b in "$gen" "$vaquero"; do
  [ -x "$b" ] || { echo "bench/plan: build $(basename "$b") first"; exit 1; }
done
work=$(mktemp -d -t vqplan.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$gen" gen "$work/old" "$HOSTS" >/dev/null
old=$work/old
sed -i 's/^workflow: etcd$/workflow: tuned/' "$old"/sites/*/inventory-0.yml
printf 'id: tuned\nworkflow:\n  - boot: tuned\n' >"$old/workflows/tuned.yml"
printf 'id: tuned\noperating_system: coreos\nunattended:\n  type: ignition\n  use: tuned.yml\n' \
  >"$old/boot/tuned.yml"
cat >"$old/assets/ignition/tuned.yml" <<'YAML'
systemd:
  units:
    - name: tuning.service
      enable: true
      contents: |
        [Service]
        {{- template "tuning" . }}
        ExecStart=/usr/bin/curl {{ Checkpoint }}
YAML
mkdir -p "$old/assets/ignition/snippets"
printf '{{ define "tuning" }}\n        Environment=SWAPPINESS=10 NODE={{ .host.name }}{{ end }}\n' \
  >"$old/assets/ignition/snippets/tuning.yml"
cp -r "$old" "$work/new"
new=$work/new
sed -i 's/SWAPPINESS=10/SWAPPINESS=1/' "$new/assets/ignition/snippets/tuning.yml"
tuned=$(cat "$old"/sites/*/inventory-0.yml | grep -c '^workflow: tuned$')
echo "generated $HOSTS hosts, $tuned of them use the edited snippet"

now() { date +%s.%N; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
plan_t=() validate_t=() load_t=()
# Rounds interleave the three, so each ratio compares runs made under the same machine load.
for r in $(seq 1 "$RUNS"); do
  t0=$(now)
  rc=0
  "$vaquero" plan --sot "$new" --from "$old" --format json --detailed-exitcode >"$work/plan.json" || rc=$?
  t1=$(now)
  [ "$rc" = 2 ] || { echo "bench/plan: plan exited $rc (expected 2: changes)"; exit 1; }
  "$vaquero" validate --sot "$new" >/dev/null
  t2=$(now)
  plan_t+=("$(echo "$t1 - $t0" | bc)")
  validate_t+=("$(echo "$t2 - $t1" | bc)")
  load_t+=("$("$gen" run "$new" 1 | sed -n 's/^vaquero loadSotFiles (load+validate): *\([0-9.]*\) s.*/\1/p')")
  echo "round $r: plan ${plan_t[-1]} s, validate ${validate_t[-1]} s, load ${load_t[-1]} s"
done
python3 - "$work/plan.json" "$tuned" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"plan: {s['reprovision']} to reprovision, {s['hosts_rendered']} hosts rendered of {s['hosts_after']}")
assert s["reprovision"] == int(sys.argv[2]), "plan did not select exactly the hosts using the snippet"
PY
p=$(best "${plan_t[@]}") v=$(best "${validate_t[@]}") load=$(best "${load_t[@]}")
echo "vaquero plan, end to end:                            $p s (best of $RUNS)"
echo "vaquero validate (load + render checks), end to end:  $v s (best of $RUNS)"
echo "load + validate of NEW alone, from memory:            $load s (best of $RUNS)"
echo "plan / validate: $(echo "scale=2; $p / $v" | bc)x   plan / load: $(echo "scale=2; $p / $load" | bc)x (goal <= 1x)"
