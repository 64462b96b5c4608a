# The Raspberry Pi board end to end on CPython: firmware.boards.pi builds every device from
# config.json through the real libraries (gpiozero on its MockFactory, luma.core + smbus2 down
# to a fake i2c-dev kernel driver with the sim SSD1306 behind it, pyserial on ptys with device
# models on the far end) and the Terminal runs on it: idle screen, network, keys, print test,
# card reader and scanner.
import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytest.importorskip("gpiozero")
pytest.importorskip("luma.oled")
import gpiozero  # noqa: E402
from gpiozero.pins.mock import MockFactory  # noqa: E402

from compat import Clock  # noqa: E402
from drivers.card.sim import encode, track2  # noqa: E402
from drivers.display.sim import SSD1306Chip  # noqa: E402
from drivers.keypad.membrane4x4 import PROFILE  # noqa: E402
from drivers.printer.sim import SimPrinter  # noqa: E402
from firmware.app import Terminal  # noqa: E402
from firmware.boards import pi  # noqa: E402
from firmware.events import EventQueue  # noqa: E402
from firmware.flash import Flash  # noqa: E402
from firmware.store import Store  # noqa: E402
from firmware.ui.text import t  # noqa: E402
from tests.fakes.pi import FakeI2cDev, Matrix, SerialDevice, WiredPin  # noqa: E402
from tests.runtimes import ROOT  # noqa: E402

ROUTE_HEADER = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\n"
DEFAULT_ROUTE = "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
LAN_ROUTE = "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"


@pytest.fixture
def rig(tmp_path, monkeypatch):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    factory = MockFactory(pin_class=WiredPin)
    monkeypatch.setattr(gpiozero.Device, "pin_factory", factory)
    pins = pi.wiring({})
    matrix = Matrix(factory, pins["rows"], pins["cols"], PROFILE[2])
    chip = SSD1306Chip()
    kernel = FakeI2cDev(str(tmp_path / "i2c-1"), {0x3C: chip})
    kernel.install(monkeypatch)
    prn = SerialDevice()
    printer = SimPrinter(prn)
    card = SerialDevice()
    scan = SerialDevice()
    route = tmp_path / "route"
    route.write_text(ROUTE_HEADER + LAN_ROUTE)
    config = {
        "board": "pi",
        "serial": "RPI-TEST-1",
        "merchant": "PI SHOP",
        "i2c_port": kernel.path,
        "printer": prn.port,
        "card": card.port,
        "scanner": scan.port,  # a scanner in serial mode
    }
    flash = Flash(str(tmp_path / "flash"))
    flash.write_atomic("config.json", json.dumps(config).encode())
    yield {
        "config": config,
        "flash": flash,
        "matrix": matrix,
        "chip": chip,
        "kernel": kernel,
        "printer": printer,
        "card": card,
        "scan": scan,
        "route": route,
    }
    WiredPin.wiring = None
    for device in (prn, card, scan):
        device.close()
    factory.close()


def test_wiring_defaults_and_overrides():
    pins = pi.wiring({"printer": "/dev/ttyAMA0", "unrelated": 1})
    assert pins["printer"] == "/dev/ttyAMA0"
    assert "unrelated" not in pins
    assert pins["keypad"] == "membrane4x4"
    assert len(pins["rows"]) == 4 and len(pins["cols"]) == 4
    used = pins["rows"] + pins["cols"]
    assert len(set(used)) == 8
    assert not set(used) & {2, 3, 14, 15}  # I2C-1 and the primary UART stay free


def test_default_route_parsing(tmp_path):
    table = tmp_path / "route"
    table.write_text(ROUTE_HEADER + LAN_ROUTE)
    assert pi.default_route(str(table)) is False
    table.write_text(ROUTE_HEADER + LAN_ROUTE + DEFAULT_ROUTE)
    assert pi.default_route(str(table)) is True
    assert pi.default_route(str(tmp_path / "missing")) is False


def test_terminal_runs_on_the_pi_board(rig):
    clock = Clock()
    queue = EventQueue()
    flash = rig["flash"]
    config = rig["config"]
    board = pi.build(config, flash, clock, queue)
    board.route_table = str(rig["route"])
    board.up = board.is_up()
    terminal = Terminal(board, Store(flash), flash, clock, queue, config)
    matrix = rig["matrix"]
    chip = rig["chip"]
    seen = {}

    def rows():
        return board.canvas.rows

    async def until(cond, timeout=5):
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError("timed out; display shows %r" % rows())
            await asyncio.sleep(0.02)

    def showing(text):
        return lambda: any(text in r for r in rows())

    async def press(key):
        matrix.press(key)
        await asyncio.sleep(0.07)
        matrix.release(key)
        await asyncio.sleep(0.05)

    async def scenario():
        task = asyncio.create_task(terminal.run())
        await until(showing(t("menu-hint")))
        seen["idle"] = list(rows())
        seen["frame"] = chip.frame() == bytes(board.canvas.buf)
        rig["route"].write_text(ROUTE_HEADER + DEFAULT_ROUTE)
        await until(showing(t("online")))
        await press("MENU")
        await press("4")  # technician menu (no password before activation)
        await until(showing(t("m-print")))
        await press("2")
        await until(showing(t("printed")))
        seen["printed"] = list(rows())
        await press("CANCEL")
        await until(showing(t("menu-hint")))
        await press("MENU")
        await press("4")  # technician menu (no password before activation)
        await until(showing(t("m-card")))
        await press("3")
        await until(showing(t("card-prompt")[:10]))
        rig["card"].send(encode("S", track2("4111111111111111", "2512")))
        await until(showing("Exp"))
        seen["card"] = list(rows())
        await press("CANCEL")
        await until(showing(t("menu-hint")))
        await press("MENU")
        await press("4")  # technician menu (no password before activation)
        await until(showing(t("m-scan")))
        await press("4")
        await until(showing(t("scan-prompt")[:10]))
        rig["scan"].send(b"4006381333931\r")
        await until(showing("4006381333931"))
        seen["frame_after"] = chip.frame() == bytes(board.canvas.buf)
        task.cancel()

    asyncio.run(asyncio.wait_for(scenario(), 30))
    assert seen["idle"][0].strip() == "PI SHOP"
    assert t("offline") in seen["idle"]
    assert seen["frame"] and seen["frame_after"]  # the panel holds what the canvas drew
    assert chip.on and chip.charge_pump
    assert t("printed") in seen["printed"]
    paper = "\n".join(line.text for line in rig["printer"].lines)
    assert rig["printer"].cuts == 1 and paper.strip()
    assert "**** **** 1111" in seen["card"] and "Exp 12/25" in seen["card"]
    assert board.serial == "RPI-TEST-1"
    assert board.power_status()[1] is True


def test_sh1106_and_dummy_displays_are_luma_devices(rig):
    from drivers.display.pi_luma import LumaDevice

    pins = pi.wiring({"display": "dummy"})
    device = pi.open_display(pins)
    assert isinstance(device, LumaDevice) and device.device.mode == "1"
    with pytest.raises(ValueError, match="not a luma.oled device"):
        pi.open_display(pi.wiring({"display": "st7735x"}))


def test_board_without_gpiozero_says_which_package(rig, monkeypatch):
    monkeypatch.setitem(sys.modules, "gpiozero", None)
    with pytest.raises(ImportError, match="gpiozero"):
        pi.build(rig["config"], rig["flash"], Clock(), EventQueue())


def test_hid_scanner_without_evdev_says_which_package(rig, monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)
    with pytest.raises(ImportError, match=r"'evdev' \(pip install evdev\)"):
        pi.open_scanner(pi.wiring({"scanner": "hid"}))
    assert pi.open_scanner(pi.wiring({"scanner": "none"})) is None


def test_main_boots_the_pi_board_as_the_service_does(tmp_path):
    # `python main.py --flash DIR`, as the systemd unit runs it: mock pins, luma's dummy
    # display, ptys for the serial devices. It must come up and keep running.
    prn = SerialDevice()
    SimPrinter(prn)
    card = SerialDevice()
    flash = tmp_path / "flash"
    flash.mkdir()
    config = {
        "board": "pi",
        "display": "dummy",
        "printer": prn.port,
        "card": card.port,
        "scanner": "none",
    }
    (flash / "config.json").write_text(json.dumps(config))
    env = dict(os.environ, GPIOZERO_PIN_FACTORY="mock")
    proc = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "main.py"), "--flash", str(flash)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        boots = flash / "store" / "boots.json"
        while not boots.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        alive = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=10)[0].decode(errors="replace")
        prn.close()
        card.close()
    assert alive, out
    assert boots.read_text() == "1"
