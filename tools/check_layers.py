#!/usr/bin/env python3
"""Fails when an #include points up the layers (DESIGN.md "Layers")."""
import pathlib
import re
import sys

# module -> modules it may include (besides itself)
ALLOWED = {
    "base": set(),
    # Counters, gauges, histograms and their exposition: a leaf every layer may update.
    "metrics": set(),
    "tmpl": {"base", "metrics"},
    "net": {"base", "metrics"},
    "model": {"base", "metrics", "tmpl"},
    "dhcp": {"base", "metrics", "net"},
    "tftp": {"base", "metrics", "net"},
    "http": {"base", "metrics", "net"},
    # The dashboard's files, built into the binary: bytes only.
    "ui": set(),
    "ipxe": {"base", "metrics", "tmpl", "model"},
    "render": {"base", "metrics", "tmpl", "model", "ipxe"},
    "plan": {"base", "metrics", "tmpl", "model", "ipxe", "render"},
    "workflow": {"base", "metrics", "model"},
    "power": {"base", "metrics", "net"},
    "container": {"base", "metrics"},
    "store": {"base", "metrics", "model", "workflow", "etcd"},
    "auth": {"base"},
    "https": {"base", "metrics", "net", "http"},
    # etcd's v3 API over its JSON gateway (the client and its test doubles).
    "etcd": {"base", "metrics"},
    # Git sources (libgit2) and webhook formats: nothing of the model.
    "git": {"base"},
    # Where server and agent meet: interfaces only, below both.
    "control": {"base", "metrics", "model"},
    # The server owns state and decides; it never includes the agent.
    "server": {"base", "metrics", "tmpl", "net", "model", "http", "ipxe", "render", "plan", "workflow", "power",
               "container", "store", "git", "control", "ui", "auth", "https", "etcd"},
    # The agent's links to its server over HTTPS (below the agent, beside the server).
    "remote": {"base", "metrics", "model", "control", "auth", "http", "https"},
    # The agent serves boots; it never includes the server nor what the server owns.
    "agent": {"base", "metrics", "tmpl", "net", "model", "dhcp", "tftp", "http", "ipxe", "render",
              "power", "container", "control"},
    # The one place both are joined in-process.
    "standalone": {"base", "metrics", "model", "control", "server", "agent"},
    # `vaquero agent`: the agent joined to its server over the network (the configuration
    # file's parser is the server's).
    "agentd": {"base", "metrics", "model", "control", "http", "https", "auth", "remote", "agent",
               "server"},
    "cli": {"base", "metrics", "tmpl", "net", "model", "dhcp", "tftp", "http", "ipxe", "render", "plan",
            "workflow", "power", "container", "store", "control", "server", "agent",
            "standalone", "ui", "remote", "agentd", "auth", "https", "etcd"},
}
# Finer rules inside a module: codecs never include their servers.
FORBIDDEN_SUB = {("dhcp", "codec"): "dhcp/server", ("tftp", "codec"): "tftp/server"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/([a-z_]+)?')


def main() -> int:
    bad = 0
    root = pathlib.Path(__file__).resolve().parent.parent / "src"
    if len(sys.argv) == 3 and sys.argv[1] == "--root":
        root = pathlib.Path(sys.argv[2])
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        rel = path.relative_to(root)
        mod = rel.parts[0]
        sub = rel.parts[1] if len(rel.parts) > 2 else ""
        allowed = ALLOWED.get(mod)
        if allowed is None:
            print(f"src/{rel}: module '{mod}' is not in tools/check_layers.py")
            bad += 1
            continue
        for lineno, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if target != mod and target not in allowed:
                print(f"src/{rel}:{lineno}: '{mod}' may not include '{target}/'")
                bad += 1
            forbidden = FORBIDDEN_SUB.get((mod, sub))
            if forbidden and line.find(f'"{forbidden}/') >= 0 and "tests" not in rel.parts:
                print(f"src/{rel}:{lineno}: '{mod}/{sub}' may not include '{forbidden}/'")
                bad += 1
    if bad:
        print(f"check_layers: {bad} include(s) point up the layers")
        return 1
    print("check_layers: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
