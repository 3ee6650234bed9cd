#!/usr/bin/env python3
"""Prints a host's boot timeline: the agent's events (GET /events/<mac>) merged with the
guest's serial console, in seconds since power-on.

usage: timeline.py T0 EVENTS.json SERIAL [AGENT_LOG CLIENT_IP]
The events document is read tolerantly (a list, or an object holding one) because it is
only shown to people; tests assert on it separately.
"""
import datetime
import json
import re
import sys


def event_list(doc):
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for key in ("events", "items", "timeline"):
            if isinstance(doc.get(key), list):
                return doc[key]
        for value in doc.values():
            if isinstance(value, list):
                return value
    return []


def epoch(value):
    if isinstance(value, (int, float)):
        # seconds, milliseconds or microseconds since the epoch
        while value > 1e11:
            value /= 1000.0
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            stamp = datetime.datetime.fromisoformat(text)
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=datetime.timezone.utc)
        return stamp.timestamp()
    return None


# The boot path's steps: (name, words in the event's kind, words in its detail). An event
# counts when a kind word matches and, if detail words are given, one of them matches too.
STEPS = (
    ("DHCP", ("DHCP_ACK", "DHCP_PROXY_ACK"), ()),
    ("TFTP", ("TFTP_DONE",), ()),
    ("iPXE script", ("HTTP_BOOT_IPXE", "HTTP_IPXE"), ()),
    ("kernel", ("HTTP_FILE",), ("vmlinuz",)),
    ("initrd", ("HTTP_FILE",), ("initrd",)),
    ("config", ("HTTP_CONFIG",), ()),
    ("checkpoint", ("HTTP_CHECKPOINT",), ()),
    ("marker", ("guest",), ("VQ-LAB-MARKER",)),
)


def summary(rows, t0):
    parts = []
    for step, kinds, details in STEPS:
        hit = next((t for t, what, detail in rows if t is not None and
                    any(k in what for k in kinds) and
                    (not details or any(d in detail for d in details))), None)
        parts.append("%s %s" % (step, "-" if hit is None else "%.2f" % (hit - t0)))
    return " -> ".join(parts)


def file_rows(log_path, ip):
    """/files downloads carry no MAC, so they are not in the host's events: take them from
    the agent's time-stamped log, by the client's address."""
    pat = re.compile(r"^(\d+\.\d+) .*HTTP_RESPONSE .*target=(/files/\S+) status=(\d+).*remote=" +
                     re.escape(ip) + r"\b")
    rows = []
    try:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = pat.match(line)
                if m:
                    rows.append((float(m.group(1)), "http HTTP_FILE",
                                 "path=%s status=%s" % (m.group(2), m.group(3))))
    except OSError:
        pass
    return rows


def main():
    t0 = float(sys.argv[1])
    rows = []
    try:
        with open(sys.argv[2], encoding="utf-8") as f:
            events = event_list(json.load(f))
    except (OSError, ValueError):
        events = []
    for ev in events:
        if not isinstance(ev, dict):
            continue
        t = epoch(ev.get("time", ev.get("timestamp", ev.get("at"))))
        what = " ".join(str(ev.get(k, "")) for k in ("source", "kind") if ev.get(k))
        detail = str(ev.get("detail", ev.get("message", "")))
        rows.append((t, what or json.dumps(ev)[:60], detail))
    marker = re.compile(r"^(\d+\.\d+) .*(VQ-LAB-(?:CONFIG|MARKER).*)$")
    kernel = re.compile(r"^(\d+\.\d+) .*(Linux version \S+)")
    try:
        with open(sys.argv[3], encoding="utf-8", errors="replace") as f:
            seen_kernel = False
            for line in f:
                m = kernel.match(line)
                if m and not seen_kernel:
                    seen_kernel = True
                    rows.append((float(m.group(1)), "guest", m.group(2)))
                m = marker.match(line)
                if m:
                    rows.append((float(m.group(1)), "guest", m.group(2)[:90]))
    except OSError:
        pass
    if len(sys.argv) > 5 and not any("HTTP_FILE" in what for _, what, _ in rows):
        rows.extend(file_rows(sys.argv[4], sys.argv[5]))
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0))
    print("    summary: " + summary(rows, t0))
    # The column fits the longest event name: a name is never cut.
    width = max([len("power on")] + [len(what) for _, what, _ in rows])
    print(timeline_row("t (s)", "what", "detail", width))
    print(timeline_row("0.00", "power on", "", width))
    for t, what, detail in rows:
        shown = "?" if t is None else "%.2f" % (t - t0)
        print(timeline_row(shown, what, detail[:100], width))


def timeline_row(time, what, detail, width):
    return ("    %8s  %-*s %s" % (time, width, what, detail)).rstrip()


if __name__ == "__main__":
    main()
