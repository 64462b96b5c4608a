# Where the two runtimes live, for tests that start firmware processes.
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Unit tests of each module run in the 64 KiB heap. The whole firmware (every resident
# driver, the sim board's link and the current screen) runs in FIRMWARE_HEAP; see
# docs/memory.md for how that number relates to an ESP32's heap.
UNIT_HEAP = "64k"
FIRMWARE_HEAP = "128k"
# The simulator board carries what no real board has: the JSON link to the harness and the
# wire models' buffers. Its firmware gets that much more heap (measured by `make bench`:
# sim board idle vs the ESP32 board idle, both in their heaps), so that scenarios exercise
# the same free heap a device has. POS_SIM_HEAP overrides it for experiments.
SIM_HEAP = os.environ.get("POS_SIM_HEAP", "176k")


def micropython_binary():
    local = os.path.join(os.path.dirname(sys.executable), "micropython")
    found = local if os.path.exists(local) else shutil.which("micropython")
    if not found:
        raise RuntimeError("micropython not found: run `make test` (it installs it into .venv)")
    return found


def micropython_env():
    """Source tree on the path: for tools that run the tree as it is (not the device image)."""
    env = dict(os.environ)
    env["MICROPYPATH"] = ".frozen:" + ROOT + ":" + os.path.join(ROOT, "lib")
    return env


def micropython_device_env():
    """The firmware as a device has it — compiled by mpy-cross (tools/mpy_build.py) — ahead
    of the source tree, which still provides the tests themselves. Run with cwd=BUILD:
    MicroPython puts "" first on sys.path, so the tree's .py must not be the cwd."""
    from tools.mpy_build import DEFAULT_OUT, build

    build()
    env = dict(os.environ)
    env["MICROPYPATH"] = ":".join((".frozen", DEFAULT_OUT, DEFAULT_OUT + "/lib", ROOT))
    return env, DEFAULT_OUT


def micropython_cmd(*args, heap=UNIT_HEAP):
    return [micropython_binary(), "-X", "heapsize=" + heap] + list(args)
