#!/usr/bin/env python3
"""The layer check passes on the tree and fails on includes across the server/agent seam."""
import pathlib
import subprocess
import sys
import tempfile

CHECK = pathlib.Path(__file__).resolve().parent / "check_layers.py"


def run(root: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), "--root", str(root)],
                          capture_output=True, text=True, check=False)


def tree(files: dict) -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory()
    for rel, text in files.items():
        path = pathlib.Path(tmp.name) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp


def expect(files: dict, ok: bool, needle: str = "") -> int:
    with tree(files) as root:
        r = run(pathlib.Path(root))
        out = r.stdout + r.stderr
        if (r.returncode == 0) != ok or needle not in out:
            print(f"FAIL: {list(files)} -> exit {r.returncode}, wanted ok={ok} and {needle!r}:"
                  f"\n{out}")
            return 1
    return 0


def main() -> int:
    failures = 0
    real = run(CHECK.parent.parent / "src")
    if real.returncode != 0:
        print("FAIL: the tree itself breaks the layers:\n" + real.stdout)
        failures += 1
    failures += expect({"agent/a.cc": '#include "server/server.h"\n'}, False,
                       "'agent' may not include 'server/'")
    failures += expect({"server/s.cc": '#include "agent/agent.h"\n'}, False,
                       "'server' may not include 'agent/'")
    failures += expect({"agent/a.cc": '#include "workflow/engine.h"\n'}, False,
                       "'agent' may not include 'workflow/'")
    failures += expect({"control/c.h": '#include "server/server.h"\n'}, False,
                       "'control' may not include 'server/'")
    failures += expect({"standalone/s.cc": '#include "server/server.h"\n#include "agent/agent.h"\n',
                        "agent/a.cc": '#include "control/links.h"\n',
                        "server/s.cc": '#include "control/links.h"\n'}, True)
    print(f"check_layers_test: {6 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
