# A power cut at each write point of saving a setting, on both runtimes: after reboot the
# setting holds the old or the new value — never garbage — and no temp file survives.
import os

import pytest

from tools.sim.harness import Sim

POINTS = [("store.contrast:torn", 3), ("store.contrast:synced", 3), ("store.contrast:renamed", 8)]


def _set_contrast(sim, digit):
    for key in ("MENU", "4", "5"):  # technician menu (no password before activation), contrast
        sim.send(c="key", k=key)
    assert sim.wait_for(lambda: sim.on_screen("Contrast:"), 5), sim.rows
    sim.send(c="key", k=digit)
    assert sim.wait_for(lambda: sim.on_screen("Contrast: %s" % digit), 5), sim.rows
    sim.send(c="key", k="ENTER")


def test_write_points_are_the_ones_this_test_cuts(tmp_path):
    sim = Sim("cpython", str(tmp_path))
    try:
        sim.boot()
        sim.send(c="trace", on=True)
        _set_contrast(sim, "3")
        assert sim.wait_for(lambda: len(sim.points) >= 3, 5)
        assert sim.points == [p for p, _ in POINTS]
    finally:
        sim.close()


@pytest.mark.parametrize("runtime", ["cpython", "micropython"])
@pytest.mark.parametrize("point,expected", POINTS)
def test_cut_at_each_write_point(runtime, point, expected, tmp_path):
    sim = Sim(runtime, str(tmp_path))
    try:
        sim.boot()
        _set_contrast(sim, "3")
        assert sim.wait_for(lambda: sim.on_screen("Saved"), 5)
        sim.arm_cut(point)
        sim.send(c="key", k="8")
        sim.send(c="key", k="ENTER")
        sim.power_cut()
        assert sim.cut_point == point
        leftovers = os.listdir(tmp_path / "store")
        assert ("contrast.json.tmp" in leftovers) == (point != "store.contrast:renamed")
        sim.boot()
        for key in ("MENU", "4", "5"):
            sim.send(c="key", k=key)
        assert sim.wait_for(lambda: sim.on_screen("Contrast: %d" % expected), 5), sim.rows
        assert "contrast.json.tmp" not in os.listdir(tmp_path / "store")
    finally:
        sim.close()
