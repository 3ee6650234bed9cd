#!/usr/bin/env python3
"""Writes the swarm's SoT: one site served on 10.99.0.0/16 (its agent at 10.99.0.1), HOSTS
hosts in all, of which up to 60,000 in the served subnet (the rest in a second subnet that is
only data), plus the list of the served hosts, "mac ip" a line, in inventory order.

Usage: gen_sot.py DIR HOSTS FILES_DIR PXEROMS_DIR SERVED_LIST
"""
import os
import sys

SERVED_MAX = 60000


def served_ip(i: int) -> str:
    return f"10.99.{1 + i // 250}.{1 + i % 250}"


def far_ip(i: int) -> str:
    return f"10.64.{i // 250}.{1 + i % 250}"


def mac(i: int) -> str:
    return "02:99:%02x:%02x:%02x:%02x" % ((i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255)


def main() -> None:
    root, hosts, files, pxeroms, served_list = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    for d in ("sites/swarm", "os", "boot", "workflows", "assets/ignition"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    with open(os.path.join(root, "sites/swarm/env.yml"), "w") as f:
        f.write("id: swarm\nsubnets:\n"
                "  - {id: net, cidr: 10.99.0.0/16, gateway: 10.99.0.1, dns: [10.99.0.1], ntp: [10.99.0.1]}\n"
                "  - {id: far, cidr: 10.64.0.0/16, gateway: 10.64.0.1, dns: [10.64.0.2]}\n"
                "agents:\n  - name: swarm-agent\n"
                f"    asset_server: {{addr: 10.99.0.1, port: 24602, base_dir: {files}, scheme: http}}\n"
                f"    tftp_server: {{base_dir: {pxeroms}}}\n"
                "    dhcp_mode: server\n")
    with open(os.path.join(root, "os/linux.yml"), "w") as f:
        f.write("id: linux\nmajor_version: '12'\nminor_version: '0'\nos_family: CoreOS\n"
                "release_name: stable\nboot:\n"
                "  kernel: \"{{.env.agentURL}}/files/vmlinuz\"\n"
                "  initrd:\n  - \"{{.env.agentURL}}/files/initrd.img\"\n"
                "cmdline:\n  - console: [ttyS0,115200n8, tty0]\n"
                "  - hostname: \"{{.host.name}}\"\n"
                "  - ip: \"{{.interface.ipv4}}::{{.interface.subnet.gateway}}:{{.interface.subnet.netmask}}\"\n")
    with open(os.path.join(root, "boot/node.yml"), "w") as f:
        f.write("id: node\noperating_system: linux\nunattended: {type: ignition, use: node.yml}\n")
    with open(os.path.join(root, "workflows/node.yml"), "w") as f:
        f.write("id: node\nworkflow:\n  - boot: node\n")
    with open(os.path.join(root, "assets/ignition/node.yml"), "w") as f:
        f.write("systemd:\n  units:\n    - name: checkpoint.service\n      enable: true\n"
                "      contents: |\n        [Service]\n        Type=oneshot\n"
                "        ExecStart=/usr/bin/curl -fsS {{ Checkpoint }}\n")
    files_count = 10
    per = (hosts + files_count - 1) // files_count
    with open(served_list, "w") as served:
        for k in range(files_count):
            with open(os.path.join(root, f"sites/swarm/hosts-{k}.yml"), "w") as f:
                for i in range(k * per, min(hosts, (k + 1) * per)):
                    in_net = i < SERVED_MAX
                    ip = served_ip(i) if in_net else far_ip(i - SERVED_MAX)
                    f.write(f"---\nname: node{i}\ninterfaces:\n  - type: physical\n"
                            f"    subnet: {'net' if in_net else 'far'}\n"
                            f"    mac: '{mac(i)}'\n    identifier: eth0\n    ipv4: {ip}\n"
                            f"workflow: node\n")
                    if in_net:
                        served.write(f"{mac(i)} {ip}\n")


if __name__ == "__main__":
    main()
