#!/usr/bin/env python3
"""Writes a SoT of N hosts (10 inventory files) and the list of their MACs, one per line.

Usage: gen_sot.py <dir> <hosts> <macs-file>
"""
import os
import random
import sys


def main() -> None:
    root, hosts, macs_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(4)
    for d in ("sites/bench", "os", "boot", "workflows", "assets/ignition"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(root, "sites/bench/env.yml"), "w") as f:
        f.write("id: bench\nsubnets:\n")
        f.write("  - {id: net, cidr: 10.64.0.0/10, gateway: 10.64.0.1, dns: [10.64.0.2], ntp: [10.64.0.3]}\n")
        f.write("agents:\n  - name: a\n    asset_server: {addr: 127.0.0.1, port: 24602}\n")
        f.write("metadata:\n  region: bench\n")
    with open(os.path.join(root, "os/coreos.yml"), "w") as f:
        f.write("id: coreos\nmajor_version: '1053'\nminor_version: '2.0'\nos_family: CoreOS\n"
                "release_name: stable\nboot:\n"
                "  kernel: \"{{.env.agentURL}}/files/{{.boot.os.release_name}}/{{.boot.os.major_version}}/coreos_production_pxe.vmlinuz\"\n"
                "  initrd:\n  - \"{{.env.agentURL}}/files/coreos_production_pxe_image.cpio.gz\"\n"
                "cmdline:\n  - coreos.autologin: ''\n  - console: [ttyS0,115200n8, tty0]\n"
                "  - hostname: \"{{.host.name}}\"\n  - ip: \"{{.interface.ipv4}}::{{.interface.subnet.gateway}}:{{.interface.subnet.netmask}}\"\n")
    with open(os.path.join(root, "boot/node.yml"), "w") as f:
        f.write("id: node\noperating_system: coreos\nunattended: {type: ignition, use: node.yml}\n")
    with open(os.path.join(root, "workflows/node.yml"), "w") as f:
        f.write("id: node\nworkflow:\n  - boot: node\n")
    with open(os.path.join(root, "assets/ignition/node.yml"), "w") as f:
        f.write("systemd:\n  units:\n    - name: checkpoint.service\n      enable: true\n"
                "      contents: |\n        [Service]\n        ExecStart=/usr/bin/curl {{ Checkpoint }}\n")
    macs = set()
    while len(macs) < hosts:
        macs.add("02:%02x:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(5)))
    macs = sorted(macs)
    files = 10
    per = (hosts + files - 1) // files
    with open(macs_path, "w") as m:
        for k in range(files):
            with open(os.path.join(root, f"sites/bench/hosts-{k}.yml"), "w") as f:
                for i in range(k * per, min(hosts, (k + 1) * per)):
                    ip = 0x0A400000 + 16 + i
                    f.write(f"---\nname: node{i}\ninterfaces:\n  - type: physical\n    subnet: net\n"
                            f"    mac: '{macs[i]}'\n    identifier: eth0\n"
                            f"    ipv4: {ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}\n"
                            f"workflow: node\n")
                    # iPXE sends the hyphen form.
                    m.write(macs[i].replace(":", "-") + "\n")


if __name__ == "__main__":
    main()
