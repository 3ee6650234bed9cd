#!/usr/bin/env python3
"""Simulated hosts calling their checkpoint URL through an agent, as installed systems do:
GET <agent>/checkpoint/<mac>?boot=<boot>, again after a pause while the answer is not 200
(each host bounded in attempts and time). After KILL_AFTER acknowledgements it kill -9s
KILL_PID (the leader; 0: nobody) and notes when. Prints one JSON object: acknowledged, failed, the kill
time, the first acknowledgement after it (queued at the agent, or stored by the leader), and
how many were answered "queued" by the agent.

Usage: checkpoint_hosts.py AGENT_URL BOOT MACS_FILE KILL_AFTER KILL_PID [THREADS]
"""
import http.client
import json
import os
import signal
import sys
import threading
import time
import urllib.parse


def main() -> None:
    agent, boot, macs_file = sys.argv[1], sys.argv[2], sys.argv[3]
    kill_after, kill_pid = int(sys.argv[4]), int(sys.argv[5])
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 16
    with open(macs_file) as f:
        macs = [line.split()[0] for line in f if line.strip()]
    url = urllib.parse.urlsplit(agent)
    lock = threading.Lock()
    todo = list(reversed(macs))
    answers = {}
    state = {"acked": 0, "kill_at": None, "first_after": None, "first_stored_after": None}

    def note(mac: str, body: str) -> None:
        now = time.monotonic()
        with lock:
            answers[mac] = body
            state["acked"] += 1
            if state["kill_at"] is not None:
                if state["first_after"] is None:
                    state["first_after"] = now
                if state["first_stored_after"] is None and "queued" not in body:
                    state["first_stored_after"] = now
            if kill_pid > 0 and state["kill_at"] is None and state["acked"] >= kill_after:
                os.kill(kill_pid, signal.SIGKILL)
                state["kill_at"] = time.monotonic()
                state["kill_epoch_ms"] = round(time.time() * 1000)

    def host(conn_box: list, mac: str) -> None:
        deadline = time.monotonic() + 60
        for _ in range(600):
            if time.monotonic() > deadline:
                break
            try:
                if conn_box[0] is None:
                    conn_box[0] = http.client.HTTPConnection(url.hostname, url.port, timeout=15)
                conn_box[0].request("GET", f"/checkpoint/{mac}?boot={boot}")
                resp = conn_box[0].getresponse()
                body = resp.read().decode(errors="replace").strip()
                if resp.status == 200:
                    note(mac, body)
                    return
            except (OSError, http.client.HTTPException):
                if conn_box[0] is not None:
                    conn_box[0].close()
                conn_box[0] = None
            time.sleep(0.1)
        with lock:
            answers[mac] = None

    def worker() -> None:
        conn_box = [None]
        while True:
            with lock:
                if not todo:
                    return
                mac = todo.pop()
            host(conn_box, mac)

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    ms = lambda t: None if t is None or state["kill_at"] is None else round((t - state["kill_at"]) * 1000)
    print(json.dumps({
        "hosts": len(macs),
        "acknowledged": state["acked"],
        "failed": [m for m, a in answers.items() if a is None],
        "killed": state["kill_at"] is not None,
        "kill_epoch_ms": state.get("kill_epoch_ms"),
        "kill_after_s": None if state["kill_at"] is None else round(state["kill_at"] - started, 3),
        "kill_to_first_ack_ms": ms(state["first_after"]),
        "kill_to_first_stored_ack_ms": ms(state["first_stored_after"]),
        "queued": sum(1 for a in answers.values() if a and "queued" in a),
        "seconds": round(time.monotonic() - started, 3),
    }))


if __name__ == "__main__":
    main()
