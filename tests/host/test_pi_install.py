# `make install-pi`, staged into a directory: the code is copied, the flash root gets its
# config.json once, and the systemd unit it writes is one systemd accepts.
import configparser
import importlib.util
import json
import marshal
import os
import shutil
import subprocess
import sys

import pytest

from tools.install_pi import install, render_unit

PREFIX = "/opt/pos-terminal"
FLASH = "/var/lib/pos-terminal"


def unit_sections(text):
    parser = configparser.ConfigParser(strict=True, interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_staged_install_lays_out_code_config_and_unit(tmp_path):
    dest = str(tmp_path / "root")
    unit_path = install(PREFIX, FLASH, "pos", dest, venv=False, start=False)
    assert unit_path == dest + "/etc/systemd/system/pos-terminal.service"
    code = dest + PREFIX
    for rel in (
        "main.py",
        "firmware/app.py",
        "firmware/boards/pi.py",
        "drivers/serial_pyserial.py",
    ):
        assert os.path.isfile(os.path.join(code, rel)), rel
    # byte-compiled at install (the service user cannot write there), naming the real paths
    pyc = importlib.util.cache_from_source(os.path.join(code, "firmware/app.py"))
    with open(pyc, "rb") as f:
        f.read(16)  # magic, flags, source mtime and size
        assert marshal.load(f).co_filename == PREFIX + "/firmware/app.py"
    with open(dest + FLASH + "/config.json") as f:
        assert json.load(f) == {"board": "pi"}
    with open(unit_path) as f:
        unit = unit_sections(f.read())
    service = unit["Service"]
    assert service["ExecStart"] == "%s/venv/bin/python %s/main.py --flash %s" % (
        PREFIX,
        PREFIX,
        FLASH,
    )
    assert service["Restart"] == "on-failure"
    assert service["User"] == "pos"
    assert service["StateDirectory"] == "pos-terminal"
    assert service["ReadWritePaths"] == FLASH
    assert set(service["SupplementaryGroups"].split()) == {"gpio", "i2c", "dialout", "input"}
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_reinstall_keeps_the_terminal_data_and_replaces_the_code(tmp_path):
    dest = str(tmp_path / "root")
    install(PREFIX, FLASH, "pos", dest, venv=False, start=False)
    with open(dest + FLASH + "/config.json", "w") as f:
        json.dump({"board": "pi", "serial": "RPI-7"}, f)  # the terminal's own settings
    stale = dest + PREFIX + "/firmware/removed_module.py"
    open(stale, "w").close()
    os.makedirs(dest + FLASH + "/store")
    for name in ("boots.json", "fw.json"):  # its data, and an update installed over the base
        with open(dest + FLASH + "/store/" + name, "w") as f:
            f.write("3" if name == "boots.json" else '{"current": "0.9.0"}')
    install(PREFIX, FLASH, "pos", dest, venv=False, start=False)
    with open(dest + FLASH + "/config.json") as f:
        assert json.load(f) == {"board": "pi", "serial": "RPI-7"}
    assert not os.path.exists(stale)
    assert os.listdir(dest + FLASH + "/store") == ["boots.json"]  # the update is forgotten


def test_flash_outside_var_lib_has_no_state_directory():
    text = render_unit("/srv/pos", "/data/pos", "cashier", "/usr/bin/python3")
    service = unit_sections(text)["Service"]
    assert "StateDirectory" not in service
    assert service["ReadWritePaths"] == "/data/pos"
    assert "@" not in text  # every placeholder filled


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_accepts_the_unit(tmp_path):
    # ExecStart must name an executable that exists for verify: this interpreter.
    text = render_unit(PREFIX, FLASH, "root", sys.executable)
    path = tmp_path / "pos-terminal.service"
    path.write_text(text)
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 even for some bad lines: anything it prints about the unit is a failure.
    report = [line for line in (proc.stdout + proc.stderr).splitlines() if "pos-terminal" in line]
    assert proc.returncode == 0 and report == [], proc.stdout + proc.stderr


def test_systemd_verify_catches_a_broken_unit(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze not installed")
    text = render_unit(PREFIX, FLASH, "root", sys.executable).replace(
        "Restart=on-failure", "Restart=sometimes"
    )
    path = tmp_path / "pos-terminal.service"
    path.write_text(text)
    proc = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "restart specifier" in proc.stdout + proc.stderr


def test_refuses_to_install_for_real_without_root(monkeypatch):
    from tools import install_pi

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit, match="run as root"):
        install_pi.main([])
