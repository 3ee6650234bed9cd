#!/usr/bin/env python3
"""The lab rollout, read back from its logs: the order Vaquero reprovisioned the machines in
and each machine's timeline from the power action to the checkpoint; with --check, the
properties the rollout must have (see check()).

usage: rollout.py [--check] --tmp DIR --t0 EPOCH --arg KERNEL_ARG NAME,FW,MAC,IP,WORKFLOW...
DIR holds what tests/lab/rollout.sh collected: vaquero.log (time-stamped), plan.txt (the
output of `vaquero plan`), hosts.json (GET /hosts), bmc-NAME/state/calls.log (the BMC's
chassis calls), NAME.serial (the console) and NAME.events.json (GET /events/<mac>).
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timeline import epoch, event_list  # noqa: E402

STATE = re.compile(r"^(\d+\.\d+) .*HOST_STATE host=[^/\s]+/(\S+) from=(\S+) to=(\S+) stage=\d+ "
                   r"revision=(\d+) reason=\"(.*?)\"\"?$")  # the log quotes the message too
ACTION = re.compile(r"^(\d+\.\d+) .*HOST_ACTION host=[^/\s]+/(\S+) action=(\S+) revision=(\d+)")
FAILED = re.compile(r"^(\d+\.\d+) .*HOST_ACTION_FAILED host=[^/\s]+/(\S+) (.*)")
PLAN = re.compile(r"^(\d+\.\d+) .*PLAN revision=(\d+) site=\S+ host=(\S+) change=\S+ wave=(\d+)")
CALL = re.compile(r"^(\d+\.\d+) (.*)$")


class Host:
    def __init__(self, spec):
        self.name, self.fw, self.mac, self.ip, self.workflow = spec.split(",", 4)
        self.mac = self.mac.replace("-", ":")
        self.rows = []  # (time, source, what)
        self.states = []  # (time, from, to, revision)
        self.calls = []  # (time, call)
        self.engine_wave = None
        self.plan_wave = None
        self.cmdline = None
        self.marker = None


def lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [line.rstrip("\n") for line in f]
    except OSError:
        return []


def read_engine(tmp, hosts, t0):
    by_name = {h.name: h for h in hosts}
    revision = 0
    for line in lines(os.path.join(tmp, "vaquero.log")):
        m = STATE.match(line)
        if m and m.group(2) in by_name and float(m.group(1)) >= t0:
            h = by_name[m.group(2)]
            t, rev = float(m.group(1)), int(m.group(5))
            h.states.append((t, m.group(3), m.group(4), rev))
            revision = max(revision, rev)
            h.rows.append((t, "engine", "%s -> %s (revision %d) %s" %
                           (m.group(3), m.group(4), rev, m.group(6))[:110]))
            continue
        m = ACTION.match(line)
        if m and m.group(2) in by_name and float(m.group(1)) >= t0:
            by_name[m.group(2)].rows.append((float(m.group(1)), "engine",
                                             "action %s (IPMI: one-time PXE + power cycle)" %
                                             m.group(3)))
            continue
        m = FAILED.match(line)
        if m and m.group(2) in by_name and float(m.group(1)) >= t0:
            by_name[m.group(2)].rows.append((float(m.group(1)), "engine", m.group(3)[:110]))
    for line in lines(os.path.join(tmp, "vaquero.log")):
        m = PLAN.match(line)
        if m and int(m.group(2)) == revision and m.group(3) in by_name:
            by_name[m.group(3)].engine_wave = int(m.group(4))
    return revision


def read_plan(tmp, hosts):
    """`vaquero plan` prints "Wave N" headings followed by the hosts of that wave."""
    wave = None
    heading = re.compile(r"^\s*[Ww]ave (\d+)\b")
    for line in lines(os.path.join(tmp, "plan.txt")):
        m = heading.match(line)
        if m:
            wave = int(m.group(1))
            continue
        for h in hosts:
            if wave is not None and h.plan_wave is None and re.search(
                    r"(^|\s)[~+-]?\s*" + re.escape(h.name) + r"(\s|:|$)", line):
                h.plan_wave = wave


def read_machine(tmp, h, t0, arg):
    for line in lines(os.path.join(tmp, "bmc-" + h.name, "state", "calls.log")):
        m = CALL.match(line)
        if not m or float(m.group(1)) < t0 or m.group(2).startswith("get "):
            continue
        h.calls.append((float(m.group(1)), m.group(2)))
        h.rows.append((float(m.group(1)), "bmc", m.group(2)))
    for line in lines(os.path.join(tmp, h.name + ".serial")):
        m = CALL.match(line)
        if not m or float(m.group(1)) < t0:
            continue
        t, text = float(m.group(1)), m.group(2)
        if "Command line:" in text and h.cmdline is None:
            h.cmdline = (t, text)
            shown = arg + " present" if arg in text.split() else arg + " MISSING"
            h.rows.append((t, "guest", "Linux started, command line: " + shown))
        if "VQ-LAB-MARKER" in text and h.marker is None:
            h.marker = (t, text[text.index("VQ-LAB-MARKER"):])
            h.rows.append((t, "guest", h.marker[1][:90]))
    try:
        with open(os.path.join(tmp, h.name + ".events.json"), encoding="utf-8") as f:
            events = event_list(json.load(f))
    except (OSError, ValueError):
        events = []
    for ev in events:
        if not isinstance(ev, dict) or ev.get("source") == "engine":
            continue  # the engine's own transitions come from its log, above
        t = epoch(ev.get("time"))
        if t is None or t < t0:
            continue
        h.rows.append((t, "agent", ("%s %s" % (ev.get("kind", ""), ev.get("detail", "")))[:110]))


def first(h, to, revision):
    return next((t for t, _, dst, rev in h.states if dst == to and rev == revision), None)


def report(hosts, revision, t0):
    print("rollout of revision %d (times in seconds since the edit reached the served SoT)" %
          revision)
    waves = sorted({h.engine_wave for h in hosts if h.engine_wave is not None})
    for w in waves:
        for h in sorted((h for h in hosts if h.engine_wave == w),
                        key=lambda h: first(h, "rebooting", revision) or 1e18):
            start, done = first(h, "rebooting", revision), first(h, "provisioned", revision)
            print("  wave %d  %-13s %-8s %-5s reboot at %7s  provisioned at %7s" %
                  (w, h.name, h.workflow, h.fw,
                   "-" if start is None else "%.2f" % (start - t0),
                   "-" if done is None else "%.2f" % (done - t0)))
    for h in hosts:
        start = first(h, "rebooting", revision)
        print("  %s (%s, workflow %s): from the power action (t=%s) to the checkpoint" %
              (h.name, h.fw, h.workflow, "-" if start is None else "%.2f" % (start - t0)))
        for t, source, what in sorted(h.rows, key=lambda r: r[0]):
            print("    %8.2f  %-6s %s" % (t - t0, source, what))


def check(hosts, revision, tmp, arg):
    problems = []
    if revision < 2:
        problems.append("no HOST_STATE line of a new revision after the edit")
    try:
        with open(os.path.join(tmp, "hosts.json"), encoding="utf-8") as f:
            api = {h.get("host"): h for h in json.load(f).get("hosts", [])}
    except (OSError, ValueError) as e:
        api = {}
        problems.append("GET /hosts unreadable: %s" % e)
    for h in hosts:
        a = api.get(h.name, {})
        if a.get("phase") != "provisioned" or a.get("provisioned_revision") != revision:
            problems.append("%s: /hosts says phase=%s provisioned_revision=%s, expected provisioned "
                            "on revision %d" % (h.name, a.get("phase"),
                                                a.get("provisioned_revision"), revision))
        path = [to for _, _, to, rev in h.states if rev == revision]
        for want in ("pending", "rebooting", "booting", "provisioned"):
            if want not in path:
                problems.append("%s: never %s on revision %d (went %s)" %
                                (h.name, want, revision, " -> ".join(path) or "nowhere"))
        if h.engine_wave is None:
            problems.append("%s: no PLAN line for revision %d" % (h.name, revision))
        if h.plan_wave != h.engine_wave:
            problems.append("%s: `vaquero plan` printed wave %s, the engine planned wave %s" %
                            (h.name, h.plan_wave, h.engine_wave))
        boot = next((t for t, c in h.calls if c == "set boot pxe"), None)
        on = next((t for t, c in h.calls if c == "power-on boot=pxe"), None)
        if boot is None or on is None or on < boot:
            problems.append("%s: the BMC did not see `set boot pxe` then a power-on that used it "
                            "(calls: %s)" % (h.name, "; ".join(c for _, c in h.calls) or "none"))
        if h.cmdline is None or arg not in h.cmdline[1].split():
            problems.append("%s: the new kernel argument %s is not on the booted command line" %
                            (h.name, arg))
        if h.marker is None or "status=ok host=%s " % h.name not in h.marker[1]:
            problems.append("%s: no ok marker on the console" % h.name)
    # The plan's order: a wave starts rebooting only once every host of the waves before it
    # is provisioned again (masters before workers: block_deps + min_standing).
    for h in hosts:
        start = first(h, "rebooting", revision)
        for e in hosts:
            if e.engine_wave is None or h.engine_wave is None or e.engine_wave >= h.engine_wave:
                continue
            done = first(e, "provisioned", revision)
            if start is None or done is None or start < done:
                problems.append("%s (wave %s) started rebooting before %s (wave %s) was "
                                "provisioned" % (h.name, h.engine_wave, e.name, e.engine_wave))
    if len({h.engine_wave for h in hosts}) < 2:
        problems.append("every host in one wave: the workflows' order was not planned")
    for p in problems:
        print("FAIL rollout: " + p, file=sys.stderr)
    return not problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--arg", required=True)
    ap.add_argument("hosts", nargs="+")
    a = ap.parse_args()
    hosts = [Host(s) for s in a.hosts]
    revision = read_engine(a.tmp, hosts, a.t0)
    read_plan(a.tmp, hosts)
    for h in hosts:
        read_machine(a.tmp, h, a.t0, a.arg)
    report(hosts, revision, a.t0)
    if a.check and not check(hosts, revision, a.tmp, a.arg):
        sys.exit(1)


if __name__ == "__main__":
    main()
