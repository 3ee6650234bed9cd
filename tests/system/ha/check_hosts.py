#!/usr/bin/env python3
"""Checks, on a leader's User API, that every host of MACS_FILE ("mac name" a line), whose
checkpoint for boot FROM was acknowledged once, moved exactly one stage: GET /hosts shows it
at stage 2, boot TO, booting (a lost checkpoint leaves it at FROM; one applied twice would
have moved it past TO). Hosts whose checkpoint was delivered more than once (`checkpoints`
above 1: the old leader stored it but died before answering) are counted. Prints one JSON
object; exit 1 when a host did not move exactly once.

Usage: check_hosts.py USER_API_URL SITE MACS_FILE FROM TO
"""
import http.client
import json
import sys
import urllib.parse


def main() -> None:
    base, site, macs_file, boot_from, boot_to = sys.argv[1:6]
    with open(macs_file) as f:
        names = [line.split()[1] for line in f if line.strip()]
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", "/hosts")
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 200:
        raise SystemExit(f"GET /hosts: {resp.status} {body[:200]!r}")
    hosts = {h["host"]: h for h in json.loads(body)["hosts"] if h.get("site") == site}

    def moved_once(h) -> bool:
        return h.get("stage") == 1 and h.get("boot") == boot_to and h.get("state") == "booting"

    lost = [n for n in names if hosts.get(n, {}).get("boot", boot_from) == boot_from]
    other = [n for n in names if n not in lost and not moved_once(hosts[n])]
    twice = [n for n in names if hosts.get(n, {}).get("checkpoints", 0) > 1]
    out = {
        "hosts": len(names),
        "lost_count": len(lost),
        "lost": lost[:10],
        "not_moved_exactly_once_count": len(other),
        "not_moved_exactly_once": [hosts[n] for n in other[:3]],
        "delivered_twice_count": len(twice),
        "delivered_twice": [hosts[n] for n in twice[:3]],
    }
    print(json.dumps(out))
    sys.exit(1 if lost or other else 0)


if __name__ == "__main__":
    main()
