# Every scenario script under tests/scenarios, on both runtimes: the firmware runs in its own
# process (CPython, or the real micropython binary with a 64 KiB heap) driven by the harness.
import glob
import os

import pytest

from tools.sim.runner import run_file

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = sorted(glob.glob(os.path.join(HERE, "scenarios", "*.sim")))


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
@pytest.mark.parametrize("script", SCENARIOS, ids=lambda p: os.path.basename(p)[:-4])
def test_scenario(script, runtime, tmp_path):
    run_file(script, runtime=runtime, flash=str(tmp_path / "flash"), png_dir=str(tmp_path / "png"))
