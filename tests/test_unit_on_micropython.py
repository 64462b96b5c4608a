# The unit tests pytest runs on CPython, run again inside the real MicroPython binary, with a
# 64 KiB heap, against the firmware compiled as a device gets it (.mpy).
import glob
import os
import subprocess

import pytest

from tests.runtimes import ROOT, micropython_cmd, micropython_device_env

MODULES = sorted(
    "tests.unit." + os.path.basename(p)[:-3]
    for p in glob.glob(os.path.join(ROOT, "tests", "unit", "test_*.py"))
)


@pytest.mark.parametrize("module", MODULES)
def test_module_on_micropython(module):
    env, cwd = micropython_device_env()
    # Only the module path: the environment sits at the top of the process's stack, and its
    # size (pytest's and xdist's variables name the test) moves what the GC's conservative
    # stack scan keeps alive, so a 64 KiB heap at its edge passed alone and failed in parallel.
    env = {"MICROPYPATH": env["MICROPYPATH"]}
    proc = subprocess.run(
        micropython_cmd(os.path.join(ROOT, "tests", "mp_runner.py"), module),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
