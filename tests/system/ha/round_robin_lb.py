#!/usr/bin/env python3
"""A TCP load balancer for tests, as the original's haproxy lab put in front of its servers:
each new connection goes to the next backend in turn; a backend that refuses is skipped for
that connection (no health checks). Bytes are relayed both ways until either side closes.
Prints "ready" once listening.

Usage: round_robin_lb.py LISTEN_PORT BACKEND_PORT... (all on 127.0.0.1)
"""
import itertools
import socket
import sys
import threading


def pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main() -> None:
    port, backends = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
    turn = itertools.cycle(range(len(backends)))
    lock = threading.Lock()
    listener = socket.create_server(("127.0.0.1", port))
    print("ready", flush=True)
    while True:
        client, _ = listener.accept()
        upstream = None
        for _ in range(len(backends)):
            with lock:
                b = backends[next(turn)]
            try:
                upstream = socket.create_connection(("127.0.0.1", b), timeout=2)
                upstream.settimeout(None)
                break
            except OSError:
                upstream = None
        if upstream is None:
            client.close()
            continue
        threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()


if __name__ == "__main__":
    main()
