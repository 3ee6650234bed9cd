#!/usr/bin/env python3
"""Junk DHCP and TFTP datagrams at line rate, for dhcp_tftp_flood_test.sh.

  flood.py SERVER_IP SECONDS [SOURCE_IP]   prints "sent N" at the end
Truncated, oversized and contradictory datagrams, cycled: a BOOTP header cut short, a
DHCP packet with option lengths running past the end, DISCOVER and REQUEST in one packet,
a BOOTREPLY sent to the server, 8 KiB of noise, TFTP requests cut before the mode, with
absurd options, DATA/ACK/ERROR to the request port, and the same at 60 KiB.
"""
import os
import socket
import struct
import sys
import time

server, seconds = sys.argv[1], float(sys.argv[2])
source = sys.argv[3] if len(sys.argv) > 3 else ""
magic = b"\x63\x82\x53\x63"


def bootp(op=1, mac=b"\x02\x99\x00\x00\x00\x42", opts=b""):
    head = struct.pack("!BBBB4sHH4s4s4s4s16s64s128s", op, 1, 6, 0, os.urandom(4), 0, 0x8000,
                       bytes(4), bytes(4), bytes(4), bytes(4), mac.ljust(16, b"\0"), bytes(64),
                       bytes(128))
    return head + magic + opts


dhcp = [
    bootp()[:100],                                          # truncated header
    bootp(opts=b"\x35\x01\x01\x3d\xff\x01\x02"),             # option length past the end
    bootp(opts=b"\x35\x01\x01\x35\x01\x03\xff"),             # DISCOVER and REQUEST at once
    bootp(op=2, opts=b"\x35\x01\x02\xff"),                   # a BOOTREPLY to the server
    bootp(opts=b"\x35\x01\x01" + b"\x2b\xff" + b"A" * 255 + b"\xff"),  # overlong option
    bootp(opts=b"\x35\x01\x09\xff"),                         # unknown message type
    bootp(opts=b"\x35\x01\x01\x34\x01\x03" + b"\x00" * 10),  # overload, no end
    os.urandom(8192),                                        # noise
    bootp(opts=b"\x35\x01\x01\xff") + os.urandom(1400),      # oversized
]
tftp = [
    b"\x00\x01undionly.kpxe",                                # no mode
    b"\x00\x01undionly.kpxe\x00octet\x00blksize\x00" + b"9" * 40 + b"\x00",
    b"\x00\x01" + b"A" * 600 + b"\x00octet\x00",             # overlong name
    b"\x00\x01../../etc/passwd\x00octet\x00",                # traversal
    b"\x00\x03\x00\x01" + b"x" * 512,                        # DATA to the request port
    b"\x00\x04\x00\x07",                                     # ACK
    b"\x00\x05\x00\x01oops\x00",                             # ERROR
    b"\x00\x09",                                             # unknown opcode
    b"\x00",                                                 # one byte
    os.urandom(60000),                                       # oversized
]
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
t.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
if source:
    d.bind((source, 0))
    t.bind((source, 0))
sent = 0
end = time.monotonic() + seconds
i = 0
while time.monotonic() < end:
    for _ in range(200):
        try:
            d.sendto(dhcp[i % len(dhcp)], (server, 67))
            t.sendto(tftp[i % len(tftp)], (server, 69))
            sent += 2
        except OSError:
            pass  # a full socket buffer: the flood goes on
        i += 1
print(f"sent {sent}", flush=True)
