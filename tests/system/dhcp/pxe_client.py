#!/usr/bin/env python3
"""A scripted PXE client for system tests: sends one DISCOVER (broadcast to :67) or one
boot-server REQUEST (unicast to <server>:4011) the way iPXE / EDK2 do, then prints every
reply that arrives within --wait seconds as one JSON line. Bounded in time."""
import argparse
import json
import random
import socket
import struct
import time

SO_BINDTODEVICE = 25


def build(args, msg_type):
    mac = bytes.fromhex(args.mac.replace(":", ""))
    ciaddr = socket.inet_aton(args.ciaddr)
    hdr = struct.pack("!BBBBIHH", 1, 1, 6, 0, args.xid, 0, 0x8000 if args.broadcast else 0)
    hdr += ciaddr + bytes(4) + bytes(4) + bytes(4) + mac + bytes(10) + bytes(192)
    hdr += bytes.fromhex("63825363")
    opts = [(53, bytes([msg_type])),
            (60, ("PXEClient:Arch:%05d:UNDI:003000" % args.arch).encode()),
            (93, struct.pack("!H", args.arch)), (94, b"\x01\x03\x10"),
            (97, b"\x00" + bytes(10) + mac)]
    if args.ipxe:
        opts += [(77, b"iPXE"), (175, b"\xb1\x05\x01\x80\x86\x10\x0e")]
    out = hdr
    for code, val in opts:
        out += bytes([code, len(val)]) + val
    return out + b"\xff"


def parse(data):
    op, _, _, _, xid = struct.unpack("!BBBBI", data[:8])
    yiaddr, siaddr, giaddr = (socket.inet_ntoa(data[o:o + 4]) for o in (16, 20, 24))
    f = data[108:236].split(b"\0")[0].decode(errors="replace")
    opts, i = {}, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        code, ln = data[i], data[i + 1]
        opts[str(code)] = data[i + 2:i + 2 + ln].hex()
        i += 2 + ln
    return {"op": op, "xid": xid, "yiaddr": yiaddr, "siaddr": siaddr, "giaddr": giaddr,
            "file": f, "type": int(opts.get("53", "00"), 16), "options": opts}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--mac", required=True)
    p.add_argument("--arch", type=int, default=0)
    p.add_argument("--ipxe", action="store_true")
    p.add_argument("--broadcast", action="store_true")
    p.add_argument("--request-to", help="boot server address: send a REQUEST to :4011")
    p.add_argument("--ciaddr", default="0.0.0.0")
    p.add_argument("--src-port", type=int, default=68)
    p.add_argument("--wait", type=float, default=2.0)
    args = p.parse_args()
    args.xid = random.getrandbits(32)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_BINDTODEVICE, args.iface.encode())
    s.bind(("0.0.0.0", args.src_port))
    if args.request_to:
        s.sendto(build(args, 3), (args.request_to, 4011))
    else:
        s.sendto(build(args, 1), ("255.255.255.255", 67))
    deadline = time.monotonic() + args.wait
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data, src = s.recvfrom(2048)
        except socket.timeout:
            break
        if len(data) < 240 or data[0] != 2:
            continue
        r = parse(data)
        if r["xid"] != args.xid:
            continue
        r["from"] = "%s:%d" % src
        r["to_port"] = args.src_port
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
