# `python -m tools.update`: what a package carries for each board and runtime, that it verifies
# with the firmware's vendor key, and that the verify command catches any changed byte.
import subprocess
import sys

import pytest

from tests.runtimes import ROOT
from tools.update import package


def _cli(*args):
    cmd = [sys.executable, "-m", "tools.update"] + [str(a) for a in args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_a_micropython_package_carries_the_boards_mpy_files_and_verifies(tmp_path):
    out = tmp_path / "sim.pkg"
    build = _cli("build", "--version", "1.2.3", "--out", out, "--board", "sim")
    assert build.returncode == 0, build.stderr
    data = out.read_bytes()
    doc = package.check(data)
    assert (doc["version"], doc["board"], doc["format"], doc["mpy"]) == ("1.2.3", "sim", "mpy", 6)
    paths = [f["path"] for f in doc["files"]]
    assert "firmware/app.mpy" in paths and "firmware/maint/verify.mpy" in paths
    assert "firmware/ui/en.txt" in paths and "firmware/boards/sim.mpy" in paths
    for absent in ("main.py", "boot.py", "firmware/boards/esp32.mpy", "drivers/printer/sim.mpy"):
        assert absent not in paths
    assert not [p for p in paths if p.endswith(".py")]
    assert _cli("verify", out).returncode == 0


def test_a_pi_package_carries_sources_and_cpython_libs(tmp_path):
    out = tmp_path / "pi.pkg"
    assert _cli("build", "--version", "2.0", "--out", out, "--board", "pi").returncode == 0
    doc, _, _, files = package.read(out.read_bytes())
    paths = [p for p, _ in files]
    assert doc["format"] == "py" and "mpy" not in doc
    assert "firmware/boards/pi.py" in paths and "lib/fbuf.py" in paths
    assert "firmware/boards/sim.py" not in paths
    with open(ROOT + "/firmware/app.py", "rb") as f:
        assert dict(files)["firmware/app.py"] == f.read()


def test_verify_catches_a_changed_byte_anywhere(tmp_path):
    good = package.pack("1.0", "sim", "py", [("lib/a.py", b"A = 1\n")], package.load_key())
    mlen = int.from_bytes(good[8:12], "big")
    for at in (20, 14 + mlen + 3, len(good) - 2):
        bad = bytearray(good)
        bad[at] ^= 1
        path = tmp_path / ("bad%d.pkg" % at)
        path.write_bytes(bytes(bad))
        res = _cli("verify", path)
        assert res.returncode == 1 and res.stderr.startswith("error: "), at


def test_versions_that_are_no_folder_name_are_refused():
    for version in ("../x", ".hidden", "a/b", "", "x" * 25):
        with pytest.raises(package.PackageError):
            package.manifest(version, "sim", "py", [("lib/a.py", b"")])


def test_a_terminal_running_sources_refuses_a_compiled_package(tmp_path):
    import asyncio

    from firmware.flash import Flash
    from firmware.maint import install
    from firmware.store import Store

    class Term:
        VERSION = "0.1.0"
        flash = Flash(str(tmp_path / "flash"))
        store = Store(flash)
        config = {"board": "sim", "update_dir": str(tmp_path)}

    data = package.pack("1.0", "sim", "mpy", [("lib/a.mpy", b"M\x06\x00\x1f")], package.load_key())
    (tmp_path / "a.pkg").write_bytes(data)
    src = install.Media(str(tmp_path / "a.pkg"))
    with pytest.raises(install.Refused) as e:
        asyncio.run(install.install(Term(), src))
    assert e.value.args[0] == "upd-wrong-format"
    assert Term.store.get("fw") is None and (tmp_path / "flash" / "fw").exists()
    assert not list((tmp_path / "flash" / "fw").iterdir())
