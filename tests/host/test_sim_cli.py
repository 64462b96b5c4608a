# The script runner as a user meets it: parse errors and failed expectations name the line,
# the exit code tells CI, and screenshots land as PNG files.
import os
import subprocess
import sys

import pytest

from tools.sim.script import ScriptError, parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _sim(*args):
    return subprocess.run(
        [sys.executable, "-m", "tools.sim", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_parse_comments_quotes_and_errors():
    steps = parse('boot\n# comment\n\nexpect-screen "Not activated"  # trailing\n', "s.sim")
    assert [(s.where, s.name, s.args) for s in steps] == [
        ("s.sim:1", "boot", []),
        ("s.sim:4", "expect-screen", ["Not activated"]),
    ]
    for bad, message in (
        ("bot", "unknown command 'bot'"),
        ("press", "usage: press KEY"),
        ("net sideways", "usage: net up|down"),
        ("type 12a", "digits only"),
        ('expect-screen "open', "cannot read"),
    ):
        with pytest.raises(ScriptError) as e:
            parse("boot\n" + bad, "x.sim")
        assert str(e.value).startswith("x.sim:2: ") and message in str(e.value)


def test_failed_expectation_exits_non_zero_naming_the_line(tmp_path):
    script = tmp_path / "wrong.sim"
    script.write_text('boot\nexpect-screen "DEMO SHOP"\nexpect-screen "No such text"\n')
    proc = _sim("--script", str(script), "--flash", str(tmp_path / "f"))
    assert proc.returncode == 1
    assert "wrong.sim:3: expect-screen" in proc.stderr
    assert "screen shows:" in proc.stderr


def test_passing_script_exits_zero_and_writes_pngs(tmp_path):
    script = tmp_path / "ok.sim"
    script.write_text("boot\nexpect-screen DEMO\nscreenshot home\n")
    proc = _sim("--script", str(script), "--png", str(tmp_path / "png"))
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    with Image.open(tmp_path / "png" / "home-screen.png") as screen:
        assert screen.size == (520, 264)  # 128x64 at 4x, plus the bezel
    assert (tmp_path / "png" / "home-receipt.png").exists()


def test_piped_commands_drive_the_simulator(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "tools.sim", "--flash", str(tmp_path / "f")],
        cwd=ROOT,
        input="boot\npress MENU\npress 4\nexpect-screen Contrast\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 Contrast" in proc.stdout  # the technician menu, drawn in the console
