#!/usr/bin/env python3
"""Hostile HTTP clients for http_abuse_test.sh.

  abuse.py requests PORT          malformed requests; prints "name status seconds" each
  abuse.py slowloris PORT SECS    one byte of header every 2 s; prints how long until closed
  abuse.py idle PORT N HOLD       N connections (half send a partial header), held HOLD s;
                                  prints "opened N closed_by_server M"
"""
import resource
import socket
import sys
import time

HOST = "127.0.0.1"


def exchange(port, data, timeout=5.0):
    s = socket.create_connection((HOST, port), timeout=timeout)
    try:
        s.sendall(data)
    except OSError:
        pass  # the server may answer and close before reading everything
    out = b""
    try:
        while len(out) < 1 << 20:
            b = s.recv(65536)
            if not b:
                break
            out += b
            if b"\r\n\r\n" in out:
                break
    except OSError:
        pass
    s.close()
    line = out.split(b"\r\n", 1)[0].split(b" ")
    return line[1].decode() if len(line) > 1 else "closed"


def requests(port):
    get = b"GET /boot.ipxe HTTP/1.1\r\nHost: x\r\n"
    cases = [
        ("header_1MiB", get + b"X-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"),
        ("headers_10000", get + b"".join(b"X-%d: 1\r\n" % i for i in range(10000)) + b"\r\n"),
        ("method_unknown", b"FROB /boot.ipxe HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("method_binary", b"G\x01T /boot.ipxe HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("cl_and_te", b"POST /boot.ipxe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n"),
        ("te_and_cl", b"POST /boot.ipxe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      b"Content-Length: 5\r\n\r\n0\r\n\r\n"),
        ("two_cl", b"POST /boot.ipxe HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                   b"Content-Length: 6\r\n\r\nhello!"),
        ("cl_huge", b"POST /boot.ipxe HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
        ("chunk_bad", b"POST /boot.ipxe HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        ("pct_bad_query", b"GET /ipxe?mac=%zz:00 HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("pct_cut_query", b"GET /ipxe?mac=% HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("pct_bad_path", b"GET /files/%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("nul_target", b"GET /boot\x00.ipxe HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("nul_pct_query", b"GET /ipxe?mac=00:00:00:00:00:21%00 HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("nul_pct_path", b"GET /files/a%00b HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("nul_header", get + b"X-A: a\x00b\r\n\r\n"),
        ("bare_lf", b"GET /boot.ipxe HTTP/1.1\nHost: x\n\n"),
        ("http_2_0", b"GET /boot.ipxe HTTP/2.0\r\nHost: x\r\n\r\n"),
        ("absolute_uri", b"GET http://elsewhere/boot.ipxe HTTP/1.1\r\nHost: x\r\n\r\n"),
        ("binary_noise", bytes(range(256)) * 64),
    ]
    for name, data in cases:
        t = time.monotonic()
        status = exchange(port, data)
        print(f"{name} {status} {time.monotonic() - t:.3f}", flush=True)


def slowloris(port, limit):
    s = socket.create_connection((HOST, port))
    s.settimeout(2.0)
    start = time.monotonic()
    data = b"GET /boot.ipxe HTTP/1.1\r\nHost: x\r\n" + b"X-Drip: " + b"a" * 1000
    for b in data:
        if time.monotonic() - start > limit:
            print(f"open_after {time.monotonic() - start:.1f}")
            return
        try:
            s.send(bytes([b]))
            if s.recv(4096) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
    print(f"closed_after {time.monotonic() - start:.1f}")


def idle(port, n, hold):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, n + 256)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    n = min(n, want - 256)
    socks = []
    for i in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((HOST, port))
        socks.append(s)
        if i % 2 == 0:
            time.sleep(0)  # let the kernel finish the handshake
    time.sleep(1)
    for s in socks[::2]:
        try:
            s.send(b"GET /boot.ipxe HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        except OSError:
            pass
    print(f"opened {n}", flush=True)
    time.sleep(hold)
    closed = 0
    for s in socks:
        try:
            if s.recv(1) == b"":
                closed += 1
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print(f"closed_by_server {closed}", flush=True)


if __name__ == "__main__":
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "requests":
        requests(port)
    elif mode == "slowloris":
        slowloris(port, float(sys.argv[3]))
    elif mode == "idle":
        idle(port, int(sys.argv[3]), float(sys.argv[4]))
