"""Heap cost of importing firmware modules under the real MicroPython binary (64-bit unix),
from the .mpy build, cumulative in the order given. Used to keep each driver in its budget.

python -m tools.heap_report drivers.keypad.matrix drivers.keypad.sim ..."""

import os
import subprocess
import sys

from tests.runtimes import micropython_binary
from tools.mpy_build import DEFAULT_OUT, build

PROBE = """
import gc, sys
import compat, asyncio, firmware.events
gc.collect(); base = gc.mem_alloc(); last = base
for name in sys.argv[1:]:
    __import__(name)
    gc.collect(); now = gc.mem_alloc()
    print("%-34s +%6d  total %6d" % (name, now - last, now - base)); last = now
"""


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or ["firmware.boards.sim"]
    build()
    env = dict(os.environ, MICROPYPATH=".frozen:" + DEFAULT_OUT + ":" + DEFAULT_OUT + "/lib")
    out = subprocess.run(
        [micropython_binary(), "-X", "heapsize=512k", "-c", PROBE] + names,
        env=env,
        cwd=DEFAULT_OUT,  # MicroPython puts "" first on sys.path: run from the build, not the tree
        capture_output=True,
        text=True,
    )
    print(out.stdout + out.stderr, end="")
    return out.returncode


if __name__ == "__main__":
    sys.exit(main())
