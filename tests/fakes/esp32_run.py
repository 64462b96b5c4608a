# Boots the firmware on the ESP32 board inside the MicroPython unix port, with the fake
# machine/network modules beside this file, and plays a technician at it: idle screen, Wi-Fi
# up, MENU, a card swipe on the card test, a print test, Wi-Fi down. Or, given "sale", a
# cashier at an ACTIVE terminal with the Wi-Fi down (esp32_sale.py). Mirrors main.py's boot
# (same imports, same order), which cannot be driven from outside.
# Output, one item a line: "I2C <hex>" for each write on the display's bus, as it happens (the
# SSD1306 model that decodes them runs in the test, outside this heap, as the panel is outside
# the MCU); "PRN <hex>" the same for the bytes of a print job on the printer's UART;
# "SNAP <name> <hex>" the framebuffer at a step; "HEAP <step> <gc.mem_free()>"; and
# last one JSON line: the display rows at each step, what the devices received.
# tests/host/test_esp32_board.py and `make bench` run it.
# Usage: micropython -X heapsize=N -m esp32_run FLASH_DIR PINS_JSON [sale] [probe] (see mp.py)
import gc
import json
import sys


def mark(step):
    gc.collect()
    print("HEAP", step, gc.mem_free())


mark("start")


from binascii import hexlify  # noqa: E402

import machine  # noqa: E402
import network  # noqa: E402
from sim_keypad import FakeMatrix  # noqa: E402  (drivers/keypad/sim.py, see mp.py)

_DLE_EOT = b"\x10\x04"
_CUT = b"\x1dV"


class BusLog:
    """The display's I2C address: each write goes to stdout, nothing is kept."""

    writes = 0

    def writeto(self, addr, buf):
        self.writes += 1
        sys.stdout.write("I2C ")
        sys.stdout.write(hexlify(buf))
        sys.stdout.write("\n")


class StatusPrinter:
    """The printer on its UART: answers each DLE EOT n with a status byte (online, paper in,
    cover closed: only the fixed bits set) and keeps count of the job bytes."""

    def __init__(self):
        self.received = 0
        self.queries = 0
        self.cut = False
        self.jobs = 0  # cuts seen

    def __call__(self, uart, data):
        if len(data) == 3 and data[:2] == _DLE_EOT:
            self.queries += 1
            uart.inject(b"\x12")
            return
        self.received += len(data)
        sys.stdout.write("PRN ")  # to the paper, outside this heap, like the panel's bytes
        sys.stdout.write(hexlify(data))
        sys.stdout.write("\n")
        if _CUT in data:
            self.cut = True
            self.jobs += 1


flash_dir = sys.argv[1]
with open(sys.argv[2]) as f:
    pins = json.load(f)
rows = len(pins["rows"])
cols = len(pins["cols"])
matrix = FakeMatrix(rows, cols)  # its key names come from the board's keypad, once built
for i in range(rows):
    machine.wires[pins["rows"][i]] = matrix.row_pins[i]
for i in range(cols):
    machine.wires[pins["cols"][i]] = matrix.col_pins[i]
bus = BusLog()
machine.i2c_devices[pins["display_addr"]] = bus
printer = StatusPrinter()
machine.uart_devices[pins["printer_uart"]] = printer
network.access_points["shop"] = "secret"
selling = "sale" in sys.argv[3:]
if selling:
    import esp32_sale  # before the fakes are measured: its code is theirs, not the firmware's

    del network.access_points["shop"]  # out of range from the start: cards go offline
mark("fakes")
if "probe" in sys.argv[3:]:  # only what the fakes cost, to size the heap of the real run
    sys.exit(0)

from compat import Clock, asyncio  # noqa: E402
from firmware.app import Terminal  # noqa: E402
from firmware.events import EventQueue  # noqa: E402
from firmware.flash import Flash  # noqa: E402
from firmware.store import Store  # noqa: E402

flash = Flash(flash_dir)
config = json.loads(flash.read("config.json"))
module = "firmware.boards." + config["board"]
__import__(module)
mark("import")
clock = Clock()
queue = EventQueue()
board = sys.modules[module].build(config, flash, clock, queue)
store = Store(flash)
term = Terminal(board, store, flash, clock, queue, config)
matrix.keymap = board.keypad.keymap
mark("board")
out = {"serial": board.serial, "power": list(board.power_status())}


async def until(cond, ms=3000):
    for _ in range(ms // 20):
        if cond():
            return True
        await asyncio.sleep_ms(20)
    return False


def has(text):
    return lambda: any(text in row for row in board.canvas.rows)


async def press(key):
    matrix.press(key)
    await asyncio.sleep_ms(70)  # longer than the 20 ms debounce
    matrix.release(key)
    await asyncio.sleep_ms(50)


def snap(name):
    out[name] = list(board.canvas.rows)
    sys.stdout.write("SNAP %s " % name)
    view = memoryview(board.canvas.buf)
    for i in range(0, len(view), 128):  # a page at a time: no 2 KB string on a full heap
        sys.stdout.write(hexlify(view[i : i + 128]))
    sys.stdout.write("\n")


async def scenario():
    from firmware.ui.text import t

    asyncio.create_task(term.run())
    await until(lambda: any(board.canvas.rows))
    await asyncio.sleep_ms(100)
    snap("idle")
    out["i2c_writes"] = bus.writes
    mark("idle")
    out["online_seen"] = await until(has(t("online")))
    snap("online")
    out["wifi_attempts"] = board.wlan.attempts
    await press("MENU")
    out["menu_seen"] = await until(has(t("menu")))
    snap("menu")
    await press("4")  # technician menu (no password before activation)
    await until(has(t("m-tech")))
    await press("3")  # card test
    await until(has(t("m-card")))
    from sim_card import encode, track2  # drivers/card/sim.py

    machine.uarts[pins["card_uart"]].inject(encode("S", track2("4111111111111111", "2512")))
    out["card_seen"] = await until(has("Exp"))
    snap("card")
    await press("CANCEL")
    await until(has(t("menu-hint")))
    await press("MENU")
    await until(has(t("menu")))
    await press("4")
    await until(has(t("m-tech")))
    await press("2")  # print test
    out["printed_seen"] = await until(has(t("printed")), 5000)
    snap("printed")
    out["printer"] = {"received": printer.received, "queries": printer.queries, "cut": printer.cut}
    mark("print")
    await press("CANCEL")
    await until(has(t("menu-hint")))
    del network.access_points["shop"]
    out["offline_seen"] = await until(has(t("offline")))
    snap("offline")
    out["overflowed"] = queue.overflowed
    mark("end")
    print(json.dumps(out))
    sys.exit(0)


if selling:
    io = {"term": term, "press": press, "until": until, "has": has, "snap": snap, "mark": mark}
    io.update(out=out, printer=printer, card_uart=pins["card_uart"])
    asyncio.run(esp32_sale.run(io))
else:
    asyncio.run(scenario())
