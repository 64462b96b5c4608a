# The simulator's screenshot step with its picture chosen, and screen expectations in Chinese,
# which wraps between any two chars with no space to drop.
import os

import pytest

from tools.sim.harness import Sim
from tools.sim.paper import Paper
from tools.sim.runner import Runner
from tools.sim.script import ScriptError, parse


class _Shown:
    frame = bytes(1024)  # a dark 128x64 panel

    def __init__(self):
        self.paper = Paper()
        self.runtime = "cpython"


@pytest.mark.parametrize(
    "which, files",
    [
        ("", ["a-receipt.png", "a-screen.png"]),
        (" screen", ["a-screen.png"]),
        (" receipt", ["a-receipt.png"]),
    ],
)
def test_screenshot_writes_the_pictures_asked_for(tmp_path, which, files):
    Runner(_Shown(), str(tmp_path)).run(parse("screenshot a" + which))
    assert sorted(os.listdir(tmp_path)) == files


def test_screenshot_takes_only_screen_or_receipt():
    with pytest.raises(ScriptError, match="usage: screenshot NAME"):
        parse("screenshot a both", "x.sim")


def test_a_chinese_phrase_matches_across_the_rows_it_wrapped_over():
    sim = Sim("cpython")
    try:
        sim.rows = ["  未激活", "未激活：不能交", "易。", "MENU：功能"] + [""] * 4
        assert sim.on_screen("未激活：不能交易。")
        assert not sim.on_screen("易。未激活")  # the rows in their order, top to bottom
        sim.rows = ["  未激活", "未激活：不能交"] + [""] * 6
        assert not sim.on_screen("未激活：不能交易。")
        # English keeps the space a wrap dropped: words of two rows do not run together
        sim.rows = ["Not activated: no", "sales"] + [""] * 6
        assert sim.on_screen("no sales")
        assert not sim.on_screen("nosales")
    finally:
        sim.close()
