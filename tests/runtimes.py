# Where the two runtimes live, for tests that start firmware processes.
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAP = "64k"


def micropython_binary():
    local = os.path.join(os.path.dirname(sys.executable), "micropython")
    found = local if os.path.exists(local) else shutil.which("micropython")
    if not found:
        raise RuntimeError("micropython not found: run `make test` (it installs it into .venv)")
    return found


def micropython_env():
    env = dict(os.environ)
    env["MICROPYPATH"] = ".frozen:" + ROOT + ":" + os.path.join(ROOT, "lib")
    return env


def micropython_cmd(*args):
    return [micropython_binary(), "-X", "heapsize=" + HEAP] + list(args)
