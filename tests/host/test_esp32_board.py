# The ESP32 board under the real MicroPython binary, from the .mpy build, with fake machine
# and network modules (tests/fakes) standing in for the chip's peripherals: the firmware boots
# on firmware.boards.esp32 and a technician's session runs on it (tests/fakes/esp32_run.py)
# inside FIRMWARE_HEAP. The SSD1306 model decodes the I2C bytes here, outside that heap.
import json
import os
import subprocess

import pytest

from drivers.display.sim import SSD1306Chip
from firmware.ui.text import t
from tests.fakes.mp import PINS, activate, esp32_env, run_esp32
from tests.runtimes import FIRMWARE_HEAP, ROOT, micropython_cmd

CONFIG = {
    "board": "esp32",
    "merchant": "ESP SHOP",
    "wifi": {"ssid": "shop", "password": "secret"},
}


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    return run_esp32(str(tmp_path_factory.mktemp("esp32-flash")), CONFIG)


def replay(writes):
    chip = SSD1306Chip()
    for w in writes:
        chip.writeto(0x3C, w)
    return chip


def test_idle_screen_reaches_the_panel_over_i2c(session):
    result, writes, snaps, heap = session
    assert result["idle"][0].strip() == "ESP SHOP"
    assert t("menu-hint") in result["idle"]
    n, framebuffer = snaps["idle"]
    chip = replay(writes[:n])
    assert chip.frame() == framebuffer  # every page the canvas drew arrived, byte for byte
    assert any(framebuffer)
    assert chip.on and chip.charge_pump and chip.mode == 0
    assert chip.contrast == 7 * 255 // 9  # the terminal's default contrast level
    assert chip.unknown == []


def test_every_step_arrives_on_the_panel(session):
    result, writes, snaps, heap = session
    assert list(snaps) == ["idle", "online", "menu", "card", "printed", "offline"]
    for name, (n, framebuffer) in snaps.items():
        assert replay(writes[:n]).frame() == framebuffer, name


def test_wifi_comes_up_and_goes_down(session):
    result, writes, snaps, heap = session
    assert t("offline") in result["idle"]  # before the station has associated
    assert result["online_seen"] and t("online") in result["online"]
    assert result["wifi_attempts"] == 1
    assert result["offline_seen"] and t("offline") in result["offline"]


def test_key_press_through_the_pins_reaches_the_screen(session):
    result, writes, snaps, heap = session
    assert result["menu_seen"]
    assert result["menu"][0].strip() == t("menu")
    assert "4 " + t("m-tech") in result["menu"]


def test_card_swipe_over_the_uart(session):
    result, writes, snaps, heap = session
    assert result["card_seen"]
    assert result["card"][1:4] == [t("r-entry-swipe"), "**** **** 1111", t("card-expiry", 12, 25)]


def test_print_test_over_the_uart(session):
    result, writes, snaps, heap = session
    assert result["printed_seen"] and t("printed") in result["printed"]
    printer = result["printer"]
    assert printer["cut"] and printer["received"] > 50
    assert printer["queries"] >= 6 and printer["queries"] % 3 == 0  # DLE EOT 1, 2, 4 each time
    assert result["overflowed"] is False


def test_board_identity_and_power(session):
    result, writes, snaps, heap = session
    assert result["serial"] == "ESP240AC4123456"  # from machine.unique_id()
    assert result["power"] == [None, True]  # no battery wired: on mains


def test_heap_budget_figures(session):
    # The whole session ran in FIRMWARE_HEAP (plus exactly what the fakes took): these are
    # the figures `make bench` reports.
    result, writes, snaps, heap = session
    assert set(heap) == {"start", "fakes", "import", "board", "idle", "print", "end"}
    base = heap["fakes"]
    used = {step: base - heap[step] for step in ("import", "board", "idle", "print")}
    assert 0 < used["import"] < used["board"] < used["idle"]
    assert heap["print"] > 0


@pytest.fixture(scope="module")
def sale_session(tmp_path_factory):
    # A cashier at an ACTIVE terminal, Wi-Fi down (tests/fakes/esp32_sale.py): a cash sale of
    # 12.50 and a credit card sale of 20.00 approved offline, each printed, in FIRMWARE_HEAP.
    flash = str(tmp_path_factory.mktemp("esp32-sale-flash"))
    activate(flash)
    return run_esp32(flash, CONFIG, sale=True)


def test_cash_and_offline_card_sale_run_in_the_firmware_heap(sale_session):
    result, writes, snaps, heap = sale_session
    assert result["seen"] and all(result["seen"].values()), result["seen"]
    assert result["seen"]["cash_jobs"] == 1 and result["seen"]["card_jobs"] == 2
    assert t("rcpt-paid") in result["cash_receipt"]
    assert t("rcpt-offline") in result["card_receipt"]
    assert t("idle-f1-sale") in result["card_done"]
    assert "1/20.00" in result["card_done"][3]  # one offline sale waits for the host


def test_sale_receipts_reach_the_printer_uart(sale_session):
    result, writes, snaps, heap = sale_session
    cash, customer, merchant = result["paper"]
    assert b"12.50" in cash and b"20.00" not in cash
    assert b"20.00" in customer and b"20.00" in merchant
    assert b"**** **** **** 1111" in customer and b"4111111111111111" not in customer


def test_sale_screens_reach_the_panel(sale_session):
    result, writes, snaps, heap = sale_session
    for name, (n, framebuffer) in snaps.items():
        assert replay(writes[:n]).frame() == framebuffer, name


def test_sale_heap_figures(sale_session):
    # What `make bench` reports for the sale (tools/bench esp32_heap): every step measured,
    # and the firmware still had heap at each.
    result, writes, snaps, heap = sale_session
    steps = ["idle"] + [
        s + "_" + p for s in ("cash", "card") for p in ("amount", "receipt", "done")
    ]
    assert set(heap) == {"start", "fakes", "import", "board"} | set(steps)
    assert all(heap[step] > 0 for step in steps)
    assert heap["cash_receipt"] < heap["cash_amount"]  # the receipt's code is loaded then


def run_mp(script, tmp_path, config=None, heap=FIRMWARE_HEAP):
    """Run a snippet under micropython with the fakes and the device build on the path."""
    env, cwd = esp32_env()
    path = tmp_path / "snippet.py"
    path.write_text(script)
    flash = tmp_path / "flash"
    flash.mkdir(exist_ok=True)
    (flash / "config.json").write_text(json.dumps(config or {"board": "esp32"}))
    proc = subprocess.run(
        micropython_cmd(str(path), str(flash), heap=heap),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


BUILD = """
import json, sys
import machine, network
from compat import Clock
from firmware.events import EventQueue
from firmware.flash import Flash
from firmware.boards import esp32
flash = Flash(sys.argv[1])
config = json.loads(flash.read("config.json"))
"""


def test_uart_transport_reads_writes_and_times_out(tmp_path):
    script = (
        BUILD
        + """
from compat import asyncio, ticks_ms, ticks_diff
from drivers.serial_uart import UartTransport
uart = machine.UART(2, baudrate=9600)
sent = []
machine.uart_devices[2] = lambda u, data: sent.append(bytes(data))
line = UartTransport(uart, 9600)

async def main():
    t0 = ticks_ms()
    empty = await line.read(8, 150)
    waited = ticks_diff(ticks_ms(), t0)
    uart.inject(b"abcdef")
    waiting = line.in_waiting()
    first = await line.read(4, 100)
    rest = await line.read(4, 100)
    uart.inject(b"stale")
    line.flush_input()
    after = await line.read(4, 50)
    t0 = ticks_ms()
    await line.write(b"x" * 96)  # 100 ms at 9600 baud
    took = ticks_diff(ticks_ms(), t0)
    print(json.dumps([empty.decode(), waited, waiting, first.decode(), rest.decode(),
                      after.decode(), took, [len(c) for c in sent]]))

asyncio.run(main())
"""
    )
    empty, waited, waiting, first, rest, after, took, chunks = json.loads(run_mp(script, tmp_path))
    assert (empty, waiting, first, rest, after) == ("", 6, "abcd", "ef", "")
    assert 140 <= waited < 600
    assert chunks == [32, 32, 32]
    assert 90 <= took < 600


def test_power_from_battery_adc_and_mains_pin(tmp_path):
    script = (
        BUILD
        + """
machine.adc_uv[35] = 1900000  # 3.8 V at the cell through the 2:1 divider
board = esp32.build(config, flash, Clock(), EventQueue())
print(json.dumps(board.power_status()))
machine.wires[4] = machine.Pin(99, machine.Pin.OUT, value=1)  # the adapter's sense line
print(json.dumps(board.power_status()))
"""
    )
    config = {"board": "esp32", "battery_adc": 35, "mains_pin": 4}
    lines = run_mp(script, tmp_path, config).splitlines()
    assert [json.loads(x) for x in lines] == [[55, False], [55, True]]


def test_pin_overrides_and_a_free_uart_for_the_scanner(tmp_path):
    script = (
        BUILD
        + """
board = esp32.build(config, flash, Clock(), EventQueue())
print(json.dumps([sorted(machine.uarts), machine.uarts[0].tx, board.scanner is not None,
                  len(board.tasks()), board.keypad.keymap[:4], board.serial]))
"""
    )
    config = {
        "board": "esp32",
        "serial": "T-0001",
        "scanner_uart": 0,  # a board whose REPL is on native USB has UART0 free
        "scanner_tx": 1,
        "scanner_rx": 3,
        "keypad": "terminal",
        "rows": [13, 14, 27, 26, 4, 15],
    }
    uarts, tx, has_scanner, ntasks, keys, serial = json.loads(run_mp(script, tmp_path, config))
    assert uarts == [0, 1, 2] and tx == 1 and has_scanner and ntasks == 4
    assert keys == ["F1", "F2", "F3", "F4"] and serial == "T-0001"


def test_keypad_wiring_must_match_the_profile(tmp_path):
    script = (
        BUILD
        + """
try:
    esp32.build(config, flash, Clock(), EventQueue())
except ValueError as e:
    print(e)
"""
    )
    out = run_mp(script, tmp_path, {"board": "esp32", "keypad": "terminal"})
    assert out.strip() == "keypad terminal is 6x4: wire that many rows and columns"


def test_pin_map_uses_pins_an_esp32_wroom_can_give():
    with open(PINS) as f:
        pins = json.load(f)
    outputs = pins["rows"] + [pins["sda"], pins["scl"], pins["printer_tx"], pins["card_tx"]]
    inputs = pins["cols"] + [pins["printer_rx"], pins["card_rx"]]
    used = outputs + inputs
    assert len(set(used)) == len(used)  # no pin does two jobs
    assert not set(used) & set(range(6, 12))  # wired to the SPI flash
    assert not set(outputs) & set(range(34, 40))  # input only
    assert not set(pins["cols"]) & set(range(34, 40))  # no internal pull-ups there
    assert not set(used) & {0, 1, 2, 3, 12, 15}  # boot straps and the REPL's UART0
    assert {pins["printer_uart"], pins["card_uart"]} == {1, 2}


def test_fakes_stay_off_the_firmware_path():
    from tools.mpy_build import sources

    assert not [rel for _, rel in sources() if "fakes" in rel]
    assert not os.path.exists(os.path.join(ROOT, "lib", "machine.py"))


SD = """
machine.sd_image = sys.argv[1] + "-sd.img"
board = esp32.build(config, flash, Clock(), EventQueue())
print("error", board.sd_error)
import os
if board.sd_error is None:
    with open("/sd/probe.txt", "w") as f:
        f.write("backup")
    print("files", os.listdir("/sd"), open("/sd/probe.txt").read())
"""


def test_the_sd_card_mounts_where_backups_go(tmp_path):
    config = {"board": "esp32", "sd": {"slot": 2}, "backup_dir": "/sd"}
    out = run_mp(BUILD + SD, tmp_path, config)
    assert "error None" in out and "files ['probe.txt'] backup" in out


def test_no_sd_card_leaves_the_terminal_running_and_says_why(tmp_path):
    config = {"board": "esp32", "sd": {"slot": 2}}
    out = run_mp(BUILD + "machine.sd_present = False\n" + SD, tmp_path, config)
    assert "error [Errno 19] ENODEV" in out
